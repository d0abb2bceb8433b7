#!lua name=vt_preprocess
--@include version.lua
--@include commit.lua

-- vt_preprocess(KEYS = [ingest_stream, comments_stream, intents_stream],
--               ARGV = [version, group, intents_maxlen, id_1, target_1, payload_1, ...,
--                       id_n, target_n, payload_n])
--
-- Commits one preprocessed batch of the ingest stream atomically. For each input id still
-- pending in the group (XACK returns 1) the payload is appended (field `p`) to the comments
-- stream (target `c`: a comment with its features, for the classifier gear) or to the intents
-- stream (target `i`: an item that needs no model), and the input is deleted from the ingest
-- stream. An id another worker already committed (it was reclaimed from this worker) is
-- skipped, so every input yields exactly one output however many workers touched it.
-- The intents stream is capped at about intents_maxlen entries as a backstop; its consumer
-- deletes what it has recorded.
-- Returns { comments_written, intents_written, skipped }.
local function preprocess(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local ingest, comments, intents = keys[1], keys[2], keys[3]
  local group = args[2]
  local maxlen = tonumber(args[3])
  local c, i, skipped = 0, 0, 0
  local done = {}
  for n = 4, #args, 3 do
    local id, target, payload = args[n], args[n + 1], args[n + 2]
    -- Comments go on uncapped (the classifier deletes what it commits); the intents stream
    -- carries the backstop cap.
    local forwarded
    if target == 'c' then
      forwarded = ack_forward(ingest, group, id, comments, nil, payload)
      if forwarded then c = c + 1 end
    else
      forwarded = ack_forward(ingest, group, id, intents, maxlen, payload)
      if forwarded then i = i + 1 end
    end
    if forwarded then done[#done + 1] = id else skipped = skipped + 1 end
  end
  delete_entries(ingest, done)
  return { c, i, skipped }
end

redis.register_function('vt_preprocess', preprocess)
