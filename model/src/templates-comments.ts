import type { IntentName as Intent } from '../../src-main/contract/intents';

/**
 * The second half of the training corpus: how a Page's comment section really reads. Short and
 * one-word comments, emoji-only comments, tags, run-together words, declines beside cancels,
 * long comments that sign up and ask at once, and the same four intents in Spanish,
 * Portuguese, French, German, Italian, Tagalog and Vietnamese. Written for Voluntree, family by
 * family, following the labelling guide (model/data/handwritten/README.md, "Labels"); nothing
 * here is taken from a data set or from the hand-written evaluation set, and the generator drops
 * any row that happens to equal a hand-written one.
 *
 * `{x}` is replaced from the language's own fillers. Each line is one template family; the data
 * split assigns whole families to train or test, as for `templates.ts`.
 */
export interface LanguageTemplates {
  fillers: Record<string, readonly string[]>;
  templates: Record<Intent, readonly string[]>;
}

export const COMMENT_LANGS = ['en', 'es', 'pt', 'fr', 'de', 'it', 'tl', 'vi'] as const;
export type CommentLang = (typeof COMMENT_LANGS)[number];

const EN: LanguageTemplates = {
  fillers: {
    name: ['Ana', 'Jess Moreno', 'Kyle', 'Tasha Brooks', 'Omar', 'Becca Lin', 'Luis', 'Dee', 'Sam Ortiz', 'Nikki'],
    day: ['sat', 'Saturday', 'sunday', 'tmrw', 'the 12th', 'this wknd', 'friday'],
    slot: ['mornings', 'the am shift', 'the 1-4', 'setup', 'cleanup crew', 'the pm shift', 'check in'],
    place: ['out of town', 'at work', 'away that weekend', 'traveling', 'on call', 'at my cousins wedding'],
  },
  templates: {
    signup: [
      'Interested', 'interested!', 'Interested 🙋', 'very interested', 'Going', 'going!!', 'going 👍', 'we are going',
      '+1', '+1 for {day}', '+2 (me and my son)', '+1 me', '+1 from me', '+1 here', '+1 🙋', '+1!!', 'plus 1', '+1 count me',
      "I'm going", 'going too', 'going w/ @{name}', 'will be going', 'going {day}', 'me!!', 'me!', 'meee', 'me me', 'me 2', 'me too!', 'same here, in',
      "I'm game", 'im game', 'game!', 'imin', 'iminn', 'count mein', 'countmein', 'signmeup', 'sign meup', 'in!', 'in', 'all in',
      "I'm down", 'down for {day}', 'dibs on {slot}', 'yes', 'yes!!', 'yep, me', 'yup in', 'ok me', 'sure, me', 'definitely',
      'Me and @{name}', 'me and @{name} are in', '@{name} and I are in', '@{name} and I will be there', 'me + @{name}',
      'put me and @{name} down', '@{name} we are going!', 'add me', 'add me pls', 'pencil me in', 'save me a spot',
      'hand raised', 'raising my hand ✋', 'pick me!', 'put me down for {slot}', 'I can take {slot}', 'available {day}',
      "I'm in! what should I bring?", 'count me in, is there parking?', "sign me up! what time do we start?",
      "I'd love to help on {day}. Do I need to bring my own gloves or are they provided?",
      "Been wanting to do this for ages, finally free! Put me down for {slot}. Where do we meet?",
      "I'm in if it doesn't rain", 'is there still room? would love to help', 'still spots? I want in',
      "my daughter needs service hours so count us both in, what time does it end?",
      "can't not help with this one!", 'how could I not help? in', "couldn't say no, count me in", "wouldn't miss it",
      "no way I'm missing this, put me down", "I can't not come to this", "can't say no to {slot}, sign me up",
    ],
    cancel: [
      "can't make it anymore", 'cant make it anymore sorry', 'sorry, cant make it', "can't come after all", 'cant go anymore',
      'not going anymore', 'have to drop out', 'dropping out, sorry', 'take me off pls', 'please remove me', 'remove me from the list',
      'I have to cancel', 'cancel me for {day}', 'out, sorry', "won't make it after all", 'no longer able to come',
      "sorry guys, I'm {place} now so I can't do {day} anymore", 'something came up, have to back out',
      "we're down to 2 instead of 4", 'only me now, my husband cant come', 'have to bail on {day}, so sorry',
      "ugh, work scheduled me so I can't do {slot} after all. Please take me off and I'll try next time",
    ],
    question: [
      'what time?', 'time?', 'where?', 'where is it', 'when?', 'how long?', 'parking?', 'kids ok?', 'age limit?', 'what to bring?',
      'is it indoors?', 'do I need to sign anything?', 'how do I sign up?', 'is there a minimum age?', 'will there be food?',
      'can I bring my dog?', 'is it wheelchair accessible?', 'what happens if it rains?', 'how many hours?', 'what do we wear?',
      'details?', 'more info?', 'is {day} still on?', 'which entrance do we use?', 'can I come late?',
    ],
    other: [
      'not interested', 'Not interested, thanks', 'no thanks', 'nope', 'not for me', 'not this time', 'next time!',
      'wish I could, {place}', 'wish I could!', "can't this time, good luck!", 'cant this time but good luck', "I'm {place} but good luck!",
      'would love to but {place}', 'maybe next year', 'sadly no, {place}', 'good luck everyone!',
      '@{name} look', '@{name} look at this', '@{name} 👀', '@{name}', '@{name} you should do this', '@{name} you in?', '@{name} this is the one I told you about',
      'great cause!', 'love this', 'amazing work', 'so proud of this group', 'well done 💪', 'shared!', 'sharing', 'bump', 'thank you all',
      'beautiful', 'wow', 'lol', 'nice', 'this is so cool', 'keep it up', 'god bless', 'followed', 'DM me for cheap followers',
    ],
  },
};

const ES: LanguageTemplates = {
  fillers: {
    day: ['el sábado', 'el domingo', 'mañana', 'el viernes', 'este finde', 'el 15'],
    slot: ['la mañana', 'la tarde', 'el turno de las 9', 'el montaje', 'la limpieza', 'la cocina'],
    reason: ['me salió trabajo', 'mi hijo está enfermo', 'tengo un compromiso', 'me cambiaron el turno', 'estoy enferma', 'se me complicó'],
    place: ['estoy de viaje', 'trabajo ese día', 'no estoy en la ciudad', 'tengo boda'],
  },
  templates: {
    signup: [
      'cuenten conmigo', 'cuenten conmigo!!', 'cuenta conmigo', 'yo me apunto', 'me apunto', 'me apunto para {slot}', 'apúntame',
      'apúntame por favor', 'anótame', 'anotame para {day}', 'yo voy', 'voy!', 'vamos!', 'ahí estaré', 'allí estaré {day}',
      'yo!', 'yo yo', 'yo también', 'me interesa', 'interesada', 'interesado!', 'quiero ayudar', 'quiero participar',
      'puedo {day}', 'puedo en {slot}', 'me sumo', 'nos sumamos, somos 3', 'mi hermana y yo vamos', 'vamos con @{name}',
      'yo y @{name}', 'listo, me apunto', 'claro que sí, voy', 'me anoto! qué hay que llevar?', 'cuenten conmigo, a qué hora empieza?',
      'me encantaría ayudar {day}, dónde nos vemos?', 'todavía hay lugar? quiero ir',
    ],
    cancel: [
      'ya no puedo ir', 'al final no puedo', 'lo siento, ya no voy', 'me tengo que dar de baja', 'bórrenme de la lista por favor',
      'sáquenme de la lista', 'no podré ir {day}, {reason}', 'perdón, {reason} y ya no puedo', 'cancelo, lo siento',
      'ya no vamos, {reason}', 'al final seremos 2 en vez de 4', 'no voy a poder llegar, lo siento', 'tengo que cancelar {day}',
      'lo siento mucho, {reason}, quítenme', 'me bajo, {reason}', 'no puedo ir después de todo',
    ],
    question: [
      'a qué hora empieza?', 'a qué hora?', 'dónde es?', 'dónde queda?', 'hay estacionamiento?', 'pueden ir niños?',
      'hay que llevar algo?', 'cuánto dura?', 'hay edad mínima?', 'cómo me inscribo?', 'qué pasa si llueve?', 'hay comida?',
      'es al aire libre?', 'necesito experiencia?', 'puedo llegar tarde?', 'dan certificado de horas?', 'más información?',
    ],
    other: [
      'no me interesa', 'no gracias', 'esta vez no puedo, suerte!', 'ojalá pudiera, {place}', 'me encantaría pero {place}',
      'la próxima!', 'la próxima vez sí', 'qué bonito', 'qué buena iniciativa!', 'excelente causa', 'felicidades a todos',
      'gracias por lo que hacen', 'compartido', 'comparto', '@{name} mira esto', '@{name} mira', '@{name} 👀', '@{name} te interesa?',
      'dios los bendiga', 'qué orgullo', 'bravo!', 'jaja', 'sígueme en mi página',
    ],
  },
};

const PT: LanguageTemplates = {
  fillers: {
    day: ['sábado', 'domingo', 'amanhã', 'sexta', 'esse fim de semana', 'dia 20'],
    slot: ['de manhã', 'à tarde', 'o turno das 9', 'a montagem', 'a limpeza', 'a cozinha'],
    reason: ['surgiu um trabalho', 'meu filho está doente', 'tive um imprevisto', 'mudaram meu turno', 'fiquei doente'],
    place: ['vou viajar', 'trabalho nesse dia', 'estou fora da cidade'],
  },
  templates: {
    signup: [
      'pode contar comigo', 'conta comigo!', 'contem comigo', 'eu vou', 'eu vou!!', 'vou sim', 'tô dentro', 'to dentro', 'estou dentro',
      'me inscreve', 'me coloca na lista', 'quero ajudar', 'quero participar', 'eu quero!', 'eu!', 'eu também', 'interessada',
      'tenho interesse', 'posso {day}', 'posso ajudar {slot}', 'bora!', 'partiu', 'eu e @{name} vamos', 'eu e minha irmã vamos',
      'vamos em 3', 'pode me colocar {slot}', 'conta comigo! precisa levar alguma coisa?', 'eu vou, que horas começa?',
      'adoraria ajudar {day}, onde é o encontro?', 'ainda tem vaga? quero ir',
    ],
    cancel: [
      'não vou mais poder ir', 'não posso mais', 'infelizmente não vou mais', 'me tira da lista por favor', 'preciso cancelar',
      'vou ter que desistir', 'desculpa, {reason}, não vou mais', 'cancela pra mim {day}', 'não consigo ir mais, {reason}',
      'seremos só 2 agora', 'me remove da lista', 'no fim não vou conseguir', 'sinto muito, não vou poder ir afinal',
      'tive que desmarcar, {reason}',
    ],
    question: [
      'que horas começa?', 'que horas?', 'onde fica?', 'onde é?', 'tem estacionamento?', 'criança pode ir?', 'precisa levar algo?',
      'quanto tempo dura?', 'tem idade mínima?', 'como faço pra me inscrever?', 'e se chover?', 'vai ter lanche?',
      'precisa de experiência?', 'posso chegar mais tarde?', 'dá certificado?', 'mais informações?',
    ],
    other: [
      'não tenho interesse', 'não, obrigado', 'dessa vez não dá, boa sorte!', 'queria muito, mas {place}', 'adoraria mas {place}',
      'na próxima!', 'fica pra próxima', 'que lindo', 'que iniciativa linda', 'parabéns pelo trabalho', 'obrigada por tudo',
      'compartilhado', 'compartilhei', '@{name} olha isso', '@{name} olha', '@{name} 👀', '@{name} bora?', 'Deus abençoe',
      'maravilhoso', 'kkkk', 'sigam minha página',
    ],
  },
};

const FR: LanguageTemplates = {
  fillers: {
    day: ['samedi', 'dimanche', 'demain', 'vendredi', 'ce week-end', 'le 18'],
    slot: ['le matin', "l'après-midi", 'le créneau de 9h', "l'installation", 'le rangement', 'la cuisine'],
    reason: ["j'ai un imprévu", 'mon fils est malade', 'je travaille finalement', 'je suis malade', "on m'a changé mon planning"],
    place: ['je serai en voyage', 'je travaille ce jour-là', 'je ne suis pas en ville'],
  },
  templates: {
    signup: [
      'je suis partant', 'partante !', 'je suis dispo', 'dispo {day}', 'je viens !', 'je serai là', 'je serai là {day}', 'moi !',
      'moi aussi', 'moi moi', 'inscrivez-moi', 'inscris-moi', "je m'inscris", 'je participe', 'je veux aider', 'intéressée',
      'ça m\'intéresse', 'je peux {day}', 'je peux faire {slot}', 'je prends {slot}', 'on sera 3', 'ma sœur et moi on vient',
      'moi et @{name}', 'on vient avec @{name}', 'comptez sur moi', 'ok pour moi', 'je viens ! faut apporter quoi ?',
      'partant, ça commence à quelle heure ?', "j'aimerais beaucoup aider {day}, on se retrouve où ?", 'reste-t-il de la place ? je veux venir',
    ],
    cancel: [
      'je ne peux plus venir', 'finalement je ne peux pas', 'désolée, je ne viens plus', 'retirez-moi de la liste svp', 'je dois annuler',
      'je me désiste', 'désolé, {reason}, je ne pourrai pas venir', 'annulez pour moi {day}', 'on ne sera que 2 finalement',
      "je ne pourrai plus venir, {reason}", "je suis obligé d'annuler", 'enlevez-moi svp', 'finalement empêché, désolé',
    ],
    question: [
      'ça commence à quelle heure ?', 'quelle heure ?', "c'est où ?", 'où exactement ?', 'il y a un parking ?', 'les enfants peuvent venir ?',
      'faut apporter quelque chose ?', 'ça dure combien de temps ?', 'il y a un âge minimum ?', "comment on s'inscrit ?",
      "et s'il pleut ?", 'il y aura à manger ?', "faut de l'expérience ?", 'je peux arriver plus tard ?', "plus d'infos ?",
    ],
    other: [
      'pas intéressé', 'non merci', 'pas cette fois, bonne chance !', "j'aimerais bien mais {place}", 'dommage, {place}',
      'la prochaine fois !', 'une prochaine fois', 'trop bien', 'belle initiative', 'bravo à toute l\'équipe', 'merci pour tout',
      'partagé', 'je partage', '@{name} regarde', '@{name} regarde ça', '@{name} 👀', '@{name} ça te dit ?', 'magnifique', 'mdr',
      'abonnez-vous à ma page',
    ],
  },
};

const DE: LanguageTemplates = {
  fillers: {
    day: ['Samstag', 'Sonntag', 'morgen', 'Freitag', 'am Wochenende', 'am 21.'],
    slot: ['vormittags', 'nachmittags', 'die Frühschicht', 'den Aufbau', 'den Abbau', 'die Küche'],
    reason: ['mir ist was dazwischengekommen', 'mein Kind ist krank', 'ich muss arbeiten', 'ich bin krank', 'Termin verschoben'],
    place: ['ich bin verreist', 'ich arbeite an dem Tag', 'ich bin nicht in der Stadt'],
  },
  templates: {
    signup: [
      'bin dabei', 'bin dabei!', 'ich bin dabei', 'wir sind dabei', 'ich komme', 'ich komme {day}', 'komme gern', 'ich!', 'ich auch',
      'trag mich ein', 'tragt mich bitte ein', 'ich melde mich an', 'ich helfe mit', 'ich möchte helfen', 'interessiert',
      'hab Interesse', 'ich kann {day}', 'ich übernehme {slot}', 'wir kommen zu dritt', 'meine Schwester und ich kommen',
      'ich und @{name}', 'mit @{name} dabei', 'zählt auf mich', 'klar, dabei', 'dabei! was soll ich mitbringen?',
      'bin dabei, wann geht es los?', 'ich helfe {day} gern, wo treffen wir uns?', 'ist noch Platz frei? würde gern helfen',
    ],
    cancel: [
      'ich kann leider doch nicht', 'kann doch nicht kommen', 'sorry, ich komme nicht mehr', 'bitte streicht mich von der Liste',
      'ich muss absagen', 'ich muss leider absagen, {reason}', 'sagt mir bitte ab für {day}', 'wir sind nur noch zu zweit',
      'ich schaffe es nicht mehr, {reason}', 'nehmt mich bitte raus', 'bin raus, sorry', 'muss meine Anmeldung zurückziehen',
      'tut mir leid, ich kann {day} doch nicht',
    ],
    question: [
      'wann geht es los?', 'um wie viel Uhr?', 'wo genau?', 'wo ist das?', 'gibt es Parkplätze?', 'dürfen Kinder mit?',
      'muss ich was mitbringen?', 'wie lange dauert das?', 'gibt es ein Mindestalter?', 'wie melde ich mich an?',
      'was ist bei Regen?', 'gibt es Essen?', 'braucht man Erfahrung?', 'kann ich später kommen?', 'mehr Infos?',
    ],
    other: [
      'kein Interesse', 'nein danke', 'diesmal nicht, viel Erfolg!', 'würde gern, aber {place}', 'schade, {place}', 'nächstes Mal!',
      'vielleicht nächstes Mal', 'super Sache', 'tolle Aktion', 'danke für euren Einsatz', 'toll gemacht', 'geteilt', 'teile ich',
      '@{name} schau mal', '@{name} guck mal', '@{name} 👀', '@{name} wär das was für dich?', 'wunderbar', 'haha', 'folgt meiner Seite',
    ],
  },
};

const IT: LanguageTemplates = {
  fillers: {
    day: ['sabato', 'domenica', 'domani', 'venerdì', 'questo weekend', 'il 22'],
    slot: ['la mattina', 'il pomeriggio', 'il turno delle 9', 'il montaggio', 'le pulizie', 'la cucina'],
    reason: ['mi è capitato un imprevisto', 'mio figlio sta male', 'devo lavorare', 'sto male', 'mi hanno cambiato il turno'],
    place: ['sono in viaggio', 'lavoro quel giorno', 'sono fuori città'],
  },
  templates: {
    signup: [
      'ci sono', 'ci sono!', 'io ci sono', 'ci siamo', 'vengo', 'vengo {day}', 'vengo anche io', 'io!', 'anche io', 'segnami',
      'segnatemi', 'mi iscrivo', 'partecipo', 'voglio aiutare', 'interessata', 'mi interessa', 'posso {day}', 'prendo {slot}',
      'siamo in 3', 'io e mia sorella veniamo', 'io e @{name}', 'veniamo con @{name}', 'contate su di me', 'presente!',
      'ci sono! cosa devo portare?', 'vengo, a che ora si inizia?', 'mi piacerebbe aiutare {day}, dove ci troviamo?',
      "c'è ancora posto? vorrei venire",
    ],
    cancel: [
      'non posso più venire', 'alla fine non ce la faccio', 'scusate, non vengo più', 'toglietemi dalla lista per favore',
      'devo disdire', 'mi ritiro, scusate', 'scusate, {reason}, non posso venire', 'cancellatemi per {day}', 'saremo solo in 2',
      'non riesco più a venire, {reason}', 'purtroppo devo rinunciare', 'cancellami per favore', 'mi dispiace, alla fine non posso',
    ],
    question: [
      'a che ora inizia?', 'a che ora?', "dov'è?", 'dove esattamente?', "c'è parcheggio?", 'possono venire i bambini?',
      'bisogna portare qualcosa?', 'quanto dura?', "c'è un'età minima?", 'come mi iscrivo?', 'e se piove?', "c'è da mangiare?",
      'serve esperienza?', 'posso arrivare più tardi?', 'altre info?',
    ],
    other: [
      'non mi interessa', 'no grazie', 'stavolta non posso, in bocca al lupo!', 'mi piacerebbe ma {place}', 'peccato, {place}',
      'la prossima volta!', 'magari la prossima', 'che bello', 'bellissima iniziativa', 'grazie per quello che fate', 'bravi tutti',
      'condiviso', 'condivido', '@{name} guarda', '@{name} guarda qui', '@{name} 👀', '@{name} ti va?', 'stupendo', 'ahah',
      'seguite la mia pagina',
    ],
  },
};

const TL: LanguageTemplates = {
  fillers: {
    day: ['sa Sabado', 'sa Linggo', 'bukas', 'sa Biyernes', 'this weekend', 'sa 16'],
    slot: ['sa umaga', 'sa hapon', 'sa 9am shift', 'sa setup', 'sa cleanup', 'sa kusina'],
    reason: ['may pasok ako', 'may sakit anak ko', 'may biglaang lakad', 'nagkasakit ako', 'may emergency'],
    place: ['nasa probinsya ako', 'may work ako', 'wala ako sa Manila'],
  },
  templates: {
    signup: [
      'sali ako', 'sali ako!', 'sasali ako', 'sama ako', 'sasama ako {day}', 'G ako', 'g!', 'game ako', 'go ako', 'ako!', 'ako po',
      'ako din', 'isali nyo ako', 'pa-add po ako', 'paki-lista po ako', 'gusto ko tumulong', 'interesado ako', 'interested po',
      'pwede ako {day}', 'kaya ko {slot}', 'tatlo kami', 'kami ng kapatid ko', 'ako at si @{name}', 'kasama ko si @{name}',
      'asahan nyo ako', 'sige sama ako', 'sali ako! ano po dadalhin?', 'G ako, anong oras po start?',
      'gusto ko tumulong {day}, saan po kita-kits?', 'may slot pa po ba? gusto ko sumali',
    ],
    cancel: [
      'di na ako makakapunta', 'hindi na ako makakasama', 'sorry po, di na ako tuloy', 'pakitanggal na lang po ako',
      'pa-cancel po ako', 'cancel ko na po', 'sorry, {reason}, di na ako makakapunta', 'hindi na ako aabot {day}',
      'dalawa na lang kami', 'di na kami tuloy, {reason}', 'pa-remove po sa list', 'back out na ako, sorry po',
      'hindi na pala ako pwede {day}',
    ],
    question: [
      'anong oras po?', 'anong oras magsisimula?', 'saan po ito?', 'saan po banda?', 'may parking po ba?', 'pwede po ba bata?',
      'ano po dadalhin?', 'gaano katagal po?', 'may age limit ba?', 'paano po mag-sign up?', 'paano pag umulan?',
      'may pagkain po ba?', 'kailangan ba ng experience?', 'pwede po ba late?', 'details po?',
    ],
    other: [
      'di ako interesado', 'hindi po salamat', 'next time na lang po', 'gusto ko sana kaso {place}', 'sayang, {place}',
      'sa susunod na lang', 'ang galing nyo', 'ang ganda ng project', 'salamat po sa inyo', 'saludo ako sa inyo', 'shared po',
      'share ko to', '@{name} tingnan mo', '@{name} oh', '@{name} 👀', '@{name} tara?', 'God bless po', 'haha', 'follow nyo page ko',
    ],
  },
};

const VI: LanguageTemplates = {
  fillers: {
    day: ['thứ bảy', 'chủ nhật', 'ngày mai', 'thứ sáu', 'cuối tuần này', 'ngày 19'],
    slot: ['buổi sáng', 'buổi chiều', 'ca 9 giờ', 'phần dựng', 'phần dọn dẹp', 'bếp'],
    reason: ['mình bận việc đột xuất', 'con mình bị ốm', 'mình phải đi làm', 'mình bị ốm', 'nhà có việc'],
    place: ['mình đi công tác', 'mình phải làm hôm đó', 'mình không ở thành phố'],
  },
  templates: {
    signup: [
      'cho mình tham gia', 'cho mình tham gia với', 'mình tham gia', 'mình đăng ký', 'đăng ký', 'mình đi', 'mình sẽ đến {day}',
      'em đi ạ', 'em nữa', 'mình nữa', 'cho em một suất', 'ghi tên mình với', 'mình muốn giúp', 'mình quan tâm', 'có mình',
      'mình rảnh {day}', 'mình nhận {slot}', 'nhóm mình 3 người', 'mình với em gái đi', 'mình và @{name}', 'mình đi cùng @{name}',
      'tính mình vào', 'ok mình đi', 'mình tham gia! cần mang gì không?', 'em đăng ký, mấy giờ bắt đầu ạ?',
      'mình muốn giúp {day}, gặp nhau ở đâu?', 'còn chỗ không? mình muốn đi',
    ],
    cancel: [
      'mình không đi được nữa', 'mình không tham gia được nữa', 'xin lỗi, mình không đến được nữa', 'xoá tên mình giúp nhé',
      'cho mình huỷ', 'mình huỷ đăng ký', 'xin lỗi, {reason}, không đi được nữa', 'mình không đi {day} được nữa',
      'nhóm mình chỉ còn 2 người', 'em xin rút ạ', 'bỏ tên em ra giúp ạ', 'tiếc quá, {reason} nên huỷ',
    ],
    question: [
      'mấy giờ bắt đầu?', 'mấy giờ ạ?', 'ở đâu vậy?', 'địa điểm ở đâu ạ?', 'có chỗ gửi xe không?', 'trẻ em đi được không?',
      'cần mang gì không ạ?', 'kéo dài bao lâu?', 'có giới hạn tuổi không?', 'đăng ký thế nào ạ?', 'nếu mưa thì sao?',
      'có đồ ăn không?', 'cần kinh nghiệm không?', 'đến muộn được không?', 'cho xin thông tin thêm?',
    ],
    other: [
      'mình không quan tâm', 'không cảm ơn', 'lần này mình bận, chúc thành công', 'muốn đi lắm mà {place}', 'tiếc quá, {place}',
      'để lần sau nhé', 'hẹn lần sau', 'ý nghĩa quá', 'hoạt động hay quá', 'cảm ơn mọi người', 'tuyệt vời', 'đã chia sẻ', 'share',
      '@{name} xem này', '@{name} nè', '@{name} 👀', '@{name} đi không?', 'haha', 'theo dõi trang mình nhé',
    ],
  },
};

/** Names for `@{name}` tags in every language (a language's own `name` filler comes first). */
const TAG_NAMES = ['Ana', 'Lucía Pérez', 'João', 'Camille', 'Jonas Weber', 'Giulia', 'Carlo Santos', 'Linh', 'Mai Nguyen', 'Marco', 'Léa', 'Tiago'];

const withNames = (t: LanguageTemplates): LanguageTemplates => ({ ...t, fillers: { name: TAG_NAMES, ...t.fillers } });

export const LANGUAGE_TEMPLATES: Record<CommentLang, LanguageTemplates> = {
  en: EN,
  es: withNames(ES),
  pt: withNames(PT),
  fr: withNames(FR),
  de: withNames(DE),
  it: withNames(IT),
  tl: withNames(TL),
  vi: withNames(VI),
};

/**
 * Emoji-only comments. The raise-hand / I'm-in family are signups, applause and hearts are
 * other (labelling guide). The generator dresses each base with skin tones, gender ZWJ forms,
 * variation selectors and repetition the way phones produce them.
 */
export const EMOJI_BASES: Record<'signup' | 'other', readonly string[]> = {
  signup: ['🙋', '✋', '🤚', '🖐', '☝', '🙌', '👍', '💪', '✅', '🙋‍♀️', '🙋‍♂️', '🤝'],
  other: ['❤', '👏', '🎉', '😍', '🥰', '🔥', '💯', '😂', '🙏', '💕', '🌟', '👀', '😮', '🤣', '💙', '🥳'],
};

export const SKIN_TONES = ['\u{1F3FB}', '\u{1F3FC}', '\u{1F3FD}', '\u{1F3FE}', '\u{1F3FF}'] as const;
