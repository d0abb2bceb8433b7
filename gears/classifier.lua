#!lua name=vt_classifier
--@include version.lua
--@include commit.lua

-- vt_classify(KEYS = [comments_stream, intents_stream],
--             ARGV = [version, group, intents_maxlen, id_1, payload_1, ..., id_n, payload_n])
--
-- Commits one classified batch atomically: for each comment id still pending in the group
-- (XACK returns 1) its IntentEntry payload is appended to the intents stream (field `p`) and the
-- comment is deleted from the comments stream. A comment another worker already committed
-- (this worker was slow and its entries were reclaimed) is skipped: every comment appears in the
-- intents stream exactly once. The intents stream is capped at about intents_maxlen entries as
-- a backstop; its consumer (the recorder) deletes what it has recorded.
-- Returns { written, skipped }.
local function classify(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local comments, intents = keys[1], keys[2]
  local group = args[2]
  local maxlen = tonumber(args[3])
  local written, skipped = 0, 0
  local done = {}
  for n = 4, #args, 2 do
    local id = args[n]
    if ack_forward(comments, group, id, intents, maxlen, args[n + 1]) then
      written = written + 1
      done[written] = id
    else
      skipped = skipped + 1
    end
  end
  delete_entries(comments, done)
  return { written, skipped }
end

redis.register_function('vt_classify', classify)
