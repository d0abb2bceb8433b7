#!lua name=vt_feed
--@include version.lua

-- The activity feed, fanned out on write.
--
-- Every function takes ARGV = [version, P, max, ...] where P is the feed key prefix
-- (`<prefix>feed:`, see keys.ts) and max the number of items a feed keeps. The functions reach
-- keys they only learn about while running (a subject's followers and their feeds), so they
-- need a single Redis node, not a cluster; KEYS is therefore empty.
--
-- Layout (all under P):
--   act:<id>        hash: fan-out record of an applied activity, or {d=1} once deleted
--   times           zset: activity id -> time, applied activities and tombstones (for pruning)
--   meta            hash: `horizon` (activities older than it are gone for good), and the
--                   settings of the last build (written by the engine)
--   agg:<agg>       zset: activity id -> time (one aggregation)
--   refs:<agg>      set: feed ids holding <agg>; its size is the aggregation's reference count
--   idx:<subject>   zset: agg -> newest time, every aggregation of `actor:<id>`,
--                   `object:<type>:<id>` or `all` (the organisation feed's aggregation of
--                   every activity: its actor or its object one, chosen by verb)
--   f:<feed>        zset: agg -> newest time, the top `max` of the feed's sources
--   followers:<s>   set of users;  follows:<u> set of subjects;  edges:<u> hash subject -> "at|f/u"
--
-- The state is a function of the set of applied activities, the set of deleted ones and the
-- latest follow/unfollow per edge, whatever the order or repetition of calls:
--   * an activity applies once (act:<id> exists) and never after its delete (tombstone) or
--     when it is older than the horizon (a max register, moved by vt_feed_prune);
--   * follow/unfollow carry a time, the latest wins, an unfollow wins a tie;
--   * each feed holds exactly the top `max` (score, then member, descending) of its sources'
--     aggregations. Adds keep this incrementally; a delete or a follow change re-materialises
--     the feeds involved from the complete per-subject indexes, so trimming never depends on
--     the order things happened in.
-- A reference is added or removed only when ZADD/ZREM on a feed reports a membership change,
-- so reference counts follow membership exactly. An aggregation whose last activity is
-- deleted is removed with its references and index entries.
-- Feed ids: `org` <- idx:all; `volunteer:<id>` <- idx:actor:<id>;
-- `event:<id>` <- idx:object:event:<id>; `following:<u>` <- idx of each subject u follows.

local function k_feed(P, id) return P .. 'f:' .. id end
local function k_agg(P, id) return P .. 'agg:' .. id end
local function k_refs(P, id) return P .. 'refs:' .. id end
local function k_idx(P, s) return P .. 'idx:' .. s end
local function k_followers(P, s) return P .. 'followers:' .. s end
local function k_follows(P, u) return P .. 'follows:' .. u end
local function k_edges(P, u) return P .. 'edges:' .. u end
local function k_act(P, id) return P .. 'act:' .. id end
local function k_times(P) return P .. 'times' end
local function k_meta(P) return P .. 'meta' end

local function horizon_of(P)
  return tonumber(redis.call('HGET', k_meta(P), 'horizon') or '0')
end

local function sources(P, feed)
  if feed == 'org' then return { k_idx(P, 'all') } end
  local kind, rest = string.match(feed, '^(%a+):(.+)$')
  if kind == 'volunteer' then return { k_idx(P, 'actor:' .. rest) } end
  if kind == 'event' then return { k_idx(P, 'object:event:' .. rest) } end
  if kind == 'following' then
    local subjects = redis.call('SMEMBERS', k_follows(P, rest))
    local out = {}
    for i, s in ipairs(subjects) do out[i] = k_idx(P, s) end
    return out
  end
  return {}
end

-- Sets the feed to the top `max` of its sources, touching only what differs.
-- Returns the number of feed entries written or removed.
local function materialize(P, feed, max)
  local fk = k_feed(P, feed)
  local srcs = sources(P, feed)
  local top = {}
  if #srcs == 1 then
    top = redis.call('ZRANGE', srcs[1], 0, max - 1, 'REV', 'WITHSCORES')
  elseif #srcs > 1 then
    local tmp = P .. 'tmp'
    local cmd = { 'ZUNIONSTORE', tmp, #srcs }
    for _, s in ipairs(srcs) do cmd[#cmd + 1] = s end
    cmd[#cmd + 1] = 'AGGREGATE'
    cmd[#cmd + 1] = 'MAX'
    redis.call(unpack(cmd))
    top = redis.call('ZRANGE', tmp, 0, max - 1, 'REV', 'WITHSCORES')
    redis.call('DEL', tmp)
  end
  local want = {}
  for i = 1, #top, 2 do want[top[i]] = true end
  local writes = 0
  for _, agg in ipairs(redis.call('ZRANGE', fk, 0, -1)) do
    if not want[agg] then
      redis.call('ZREM', fk, agg)
      redis.call('SREM', k_refs(P, agg), feed)
      writes = writes + 1
    end
  end
  for i = 1, #top, 2 do
    local agg = top[i]
    local old = redis.call('ZSCORE', fk, agg)
    if not old then
      redis.call('ZADD', fk, top[i + 1], agg)
      redis.call('SADD', k_refs(P, agg), feed)
      writes = writes + 1
    elseif tonumber(old) ~= tonumber(top[i + 1]) then
      redis.call('ZADD', fk, top[i + 1], agg)
      writes = writes + 1
    end
  end
  return writes
end

-- Places (or re-scores) one aggregation in a feed whose other entries did not change, then
-- trims it back to `max`. Returns 1 (one feed write) unless the aggregation did not make the cut.
local function place(P, feed, agg, score, max)
  local fk = k_feed(P, feed)
  if redis.call('ZADD', fk, score, agg) == 0 then return 1 end
  local over = redis.call('ZCARD', fk) - max
  if over > 0 then
    local gone
    if over == 1 then
      gone = redis.call('ZPOPMIN', fk)
    else
      gone = redis.call('ZRANGE', fk, 0, over - 1, 'WITHSCORES')
      redis.call('ZREMRANGEBYRANK', fk, 0, over - 1)
    end
    local kept = true
    for i = 1, #gone, 2 do
      if gone[i] == agg then kept = false else redis.call('SREM', k_refs(P, gone[i]), feed) end
    end
    if not kept then return 0 end
  end
  redis.call('SADD', k_refs(P, agg), feed)
  return 1
end

local function newest(P, agg)
  local top = redis.call('ZRANGE', k_agg(P, agg), 0, 0, 'REV', 'WITHSCORES')
  return top[2]
end

-- vt_feed_add(KEYS = [],
--   ARGV = [version, P, max, id, time, actor_agg, object_agg, actor_subject, object_subject,
--           actor_feed, object_feed, org_kind])
--
-- Applies one activity: adds it to its actor aggregation (verb, actor, day) and its object
-- aggregation (verb, object, day), indexes both, and places them in the feeds that show them:
-- the object feed (object aggregation), the actor's profile feed (actor aggregation), `org`
-- (the actor aggregation when org_kind is 'a', else the object one; it must depend on the verb
-- only) and the following feed of everyone following the actor or the object.
-- `object_feed` is '' when the object has no feed of its own.
-- Returns { applied (1, or 0 for a repeat or a deleted activity), feed_writes, user... }
-- where user... are the users whose following feed changed.
local function add(_keys, args)
  local err = check_version(args[1])
  if err then return err end
  local P, max = args[2], tonumber(args[3])
  local id, t = args[4], args[5]
  local a_agg, o_agg, a_subj, o_subj, a_feed, o_feed = args[6], args[7], args[8], args[9], args[10], args[11]
  local org_kind = args[12]
  if org_kind ~= 'a' and org_kind ~= 'o' then return redis.error_reply('VT_FEED org_kind must be a or o') end
  local ak = k_act(P, id)
  if redis.call('EXISTS', ak) == 1 then return { 0, 0 } end
  if tonumber(t) < horizon_of(P) then return { 0, 0 } end
  redis.call('HSET', ak, 't', t, 'a', a_agg, 'o', o_agg, 'as', a_subj, 'os', o_subj, 'g', org_kind)
  redis.call('ZADD', k_times(P), t, id)
  redis.call('ZADD', k_agg(P, a_agg), t, id)
  redis.call('ZADD', k_agg(P, o_agg), t, id)
  -- An index holds each aggregation's newest time. GT+CH says whether this activity moved it
  -- (or created it); when it did not, no feed can change, since feeds rank by that time.
  local a_up = redis.call('ZADD', k_idx(P, a_subj), 'GT', 'CH', t, a_agg) == 1
  local o_up = redis.call('ZADD', k_idx(P, o_subj), 'GT', 'CH', t, o_agg) == 1
  local g_agg, g_up = o_agg, o_up
  if org_kind == 'a' then g_agg, g_up = a_agg, a_up end

  local writes = 0
  if g_up then
    redis.call('ZADD', k_idx(P, 'all'), t, g_agg)
    writes = place(P, 'org', g_agg, t, max)
  end
  if a_up and a_feed ~= '' then writes = writes + place(P, a_feed, a_agg, t, max) end
  if o_up and o_feed ~= '' then writes = writes + place(P, o_feed, o_agg, t, max) end
  local out = { 1, 0 }
  local seen = {}
  local function fan(subject, agg)
    for _, u in ipairs(redis.call('SMEMBERS', k_followers(P, subject))) do
      local w = place(P, 'following:' .. u, agg, t, max)
      writes = writes + w
      if w > 0 and not seen[u] then
        seen[u] = true
        out[#out + 1] = u
      end
    end
  end
  if a_up then fan(a_subj, a_agg) end
  if o_up then fan(o_subj, o_agg) end
  out[2] = writes
  return out
end

-- Removes one activity from an aggregation; re-indexes or drops the aggregation and
-- re-materialises every feed that held it when its score changed. Returns feeds touched.
local function take_out(P, agg, id, subjects, max, touched)
  local before = newest(P, agg)
  redis.call('ZREM', k_agg(P, agg), id)
  local after = newest(P, agg)
  if after == before then return end
  for _, s in ipairs(subjects) do
    if after then
      redis.call('ZADD', k_idx(P, s), after, agg)
    else
      redis.call('ZREM', k_idx(P, s), agg)
    end
  end
  for _, feed in ipairs(redis.call('SMEMBERS', k_refs(P, agg))) do
    materialize(P, feed, max)
    touched[#touched + 1] = feed
  end
  if not after then redis.call('DEL', k_refs(P, agg)) end
end

-- Takes an applied activity (fields of act:<id>) out of both its aggregations.
local function remove_applied(P, id, h, max, touched)
  local a_subjects, o_subjects = { h.as }, { h.os }
  if h.g == 'a' then a_subjects[2] = 'all' else o_subjects[2] = 'all' end
  take_out(P, h.a, id, a_subjects, max, touched)
  take_out(P, h.o, id, o_subjects, max, touched)
end

local function read_act(P, id)
  local v = redis.call('HMGET', k_act(P, id), 'd', 't', 'a', 'o', 'as', 'os', 'g')
  return { d = v[1], t = v[2], a = v[3], o = v[4], as = v[5], os = v[6], g = v[7] }
end

-- vt_feed_delete(KEYS = [], ARGV = [version, P, max, id, time])
--
-- Deletes an activity everywhere and leaves a tombstone, so a late retry of its add (or of
-- the delete) changes nothing. Deleting an activity never applied only leaves the tombstone.
-- `time` (the activity's time, or '' when unknown) lets vt_feed_prune drop the tombstone once
-- the horizon passes it. Returns { deleted (1 or 0), feed... } with the feeds that changed.
local function delete(_keys, args)
  local err = check_version(args[1])
  if err then return err end
  local P, max, id, time = args[2], tonumber(args[3]), args[4], args[5]
  local h = read_act(P, id)
  if h.d then return { 0 } end
  local t = h.t or time
  if t == '' then t = nil end
  -- Older than the horizon and not applied: the horizon already keeps it out.
  if not h.a and t and tonumber(t) < horizon_of(P) then return { 0 } end
  local ak = k_act(P, id)
  redis.call('DEL', ak)
  redis.call('HSET', ak, 'd', '1')
  if t then redis.call('ZADD', k_times(P), t, id) end
  if not h.a then return { 0 } end
  local touched = {}
  remove_applied(P, id, h, max, touched)
  local out = { 1 }
  for _, f in ipairs(touched) do out[#out + 1] = f end
  return out
end

-- vt_feed_follow(KEYS = [], ARGV = [version, P, max, user, subject, at, kind])
--
-- kind 'f' follows, 'u' unfollows. The edge keeps the latest stamp: an older or equal call
-- is ignored (an unfollow wins a tie), so retries and reordering settle on the same state.
-- When following changes, the user's following feed is re-materialised: following back-fills
-- it with the subject's newest aggregations, unfollowing removes them (and refills from the
-- other subjects). Returns { applied, following (1/0), feed_writes }.
local function follow(_keys, args)
  local err = check_version(args[1])
  if err then return err end
  local P, max = args[2], tonumber(args[3])
  local user, subject, at, kind = args[4], args[5], tonumber(args[6]), args[7]
  if kind ~= 'f' and kind ~= 'u' then return redis.error_reply('VT_FEED kind must be f or u') end
  local ek = k_edges(P, user)
  local cur = redis.call('HGET', ek, subject)
  local fk = k_follows(P, user)
  if cur then
    local cat, ck = string.match(cur, '^(%d+)|(%a)$')
    cat = tonumber(cat)
    if cat > at or (cat == at and (ck == kind or ck == 'u')) then
      return { 0, redis.call('SISMEMBER', fk, subject), 0 }
    end
  end
  redis.call('HSET', ek, subject, string.format('%d|%s', at, kind))
  local changed
  if kind == 'f' then
    changed = redis.call('SADD', fk, subject)
    redis.call('SADD', k_followers(P, subject), user)
  else
    changed = redis.call('SREM', fk, subject)
    redis.call('SREM', k_followers(P, subject), user)
  end
  local writes = 0
  if changed == 1 then writes = materialize(P, 'following:' .. user, max) end
  return { 1, kind == 'f' and 1 or 0, writes }
end

-- vt_feed_purge(KEYS = [], ARGV = [version, P, max, id...])
--
-- Deletes activities like vt_feed_delete (out of their aggregations, feeds re-materialised)
-- and then forgets them entirely: no tombstone, because an activity id names the comment or
-- signup it came from, and a person erased on request must leave no such trace. A later add
-- of the same id applies again (the engine only purges activities of people it deleted).
-- Returns { purged, feed... } with the feeds that changed.
local function purge(_keys, args)
  local err = check_version(args[1])
  if err then return err end
  local P, max = args[2], tonumber(args[3])
  local touched = {}
  local purged = 0
  for i = 4, #args do
    local id = args[i]
    local h = read_act(P, id)
    if not h.d and h.a then remove_applied(P, id, h, max, touched) end
    purged = purged + redis.call('DEL', k_act(P, id))
    redis.call('ZREM', k_times(P), id)
  end
  local out = { purged }
  for _, f in ipairs(touched) do out[#out + 1] = f end
  return out
end

-- vt_feed_forget(KEYS = [], ARGV = [version, P, max, subject, user...])
--
-- Forgets a subject as something to follow (a person deleted for a privacy request): every
-- follow edge to it, of its current followers and of the users listed (those who unfollowed
-- keep a stamp in edges:<u>), is removed without a trace, and the following feeds that held
-- it are re-materialised. Its activities are purged separately (vt_feed_purge), so together
-- they leave no key naming the subject. Returns the users whose following feed changed.
local function forget(_keys, args)
  local err = check_version(args[1])
  if err then return err end
  local P, max, subject = args[2], tonumber(args[3]), args[4]
  local users = redis.call('SMEMBERS', k_followers(P, subject))
  for i = 5, #args do users[#users + 1] = args[i] end
  local seen, out = {}, {}
  for _, u in ipairs(users) do
    if not seen[u] then
      seen[u] = true
      redis.call('HDEL', k_edges(P, u), subject)
      if redis.call('SREM', k_follows(P, u), subject) == 1 then
        materialize(P, 'following:' .. u, max)
        out[#out + 1] = u
      end
    end
  end
  redis.call('DEL', k_followers(P, subject))
  return out
end

-- vt_feed_prune(KEYS = [], ARGV = [version, P, max, horizon, limit])
--
-- Moves the horizon forward (never back) and forgets up to `limit` activities and tombstones
-- older than it: out of their aggregations, feeds refilled, records gone. An add older than
-- the horizon is refused from then on, so nothing forgotten comes back.
-- Returns { forgotten, remaining } (call again while remaining > 0).
local function prune(_keys, args)
  local err = check_version(args[1])
  if err then return err end
  local P, max, limit = args[2], tonumber(args[3]), tonumber(args[5])
  local horizon = horizon_of(P)
  if tonumber(args[4]) > horizon then
    horizon = tonumber(args[4])
    redis.call('HSET', k_meta(P), 'horizon', string.format('%d', horizon))
  end
  local ids = redis.call('ZRANGEBYSCORE', k_times(P), '-inf', '(' .. string.format('%d', horizon), 'LIMIT', 0, limit)
  local touched = {}
  for _, id in ipairs(ids) do
    local h = read_act(P, id)
    if not h.d and h.a then remove_applied(P, id, h, max, touched) end
    redis.call('DEL', k_act(P, id))
    redis.call('ZREM', k_times(P), id)
  end
  return { #ids, redis.call('ZCOUNT', k_times(P), '-inf', '(' .. string.format('%d', horizon)) }
end

-- vt_feed_materialize(KEYS = [], ARGV = [version, P, max, feed...])
--
-- Re-materialises the given feeds from the indexes (after the maximum size changed).
-- Returns the number of feed entries written or removed.
local function rematerialize(_keys, args)
  local err = check_version(args[1])
  if err then return err end
  local P, max = args[2], tonumber(args[3])
  local writes = 0
  for i = 4, #args do writes = writes + materialize(P, args[i], max) end
  return writes
end

redis.register_function('vt_feed_add', add)
redis.register_function('vt_feed_delete', delete)
redis.register_function('vt_feed_follow', follow)
redis.register_function('vt_feed_forget', forget)
redis.register_function('vt_feed_purge', purge)
redis.register_function('vt_feed_materialize', rematerialize)
redis.register_function('vt_feed_prune', prune)
