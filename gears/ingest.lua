#!lua name=vt_ingest
--@include version.lua

-- vt_ingest(KEYS = [stream, seen_1, last_1, ..., seen_n, last_n],
--           ARGV = [version, ttl_seconds, payload_1, state_1, ..., payload_n, state_n])
--
-- Accepts a batch of webhook deliveries atomically. A delivery is a repeat, and skipped, when
--   * its seen key is set: the same change (same comment, verb, text and Meta's change time)
--     was accepted before; Meta retries a delivery for up to 36 h with the same time, or
--   * its state_i (verb + text hash of a comment change) equals what last_i holds: the comment
--     is already in that state, so the delivery changes nothing (a duplicate Meta sent under a
--     new time, or the same change repeated).
-- Otherwise it is appended to the ingest stream (field `p`), its seen key is set and, for a
-- comment, last_i takes its state, both with the TTL. So hide -> unhide -> hide, or an edit back
-- to earlier text, passes: each step is a new change from the state before it.
-- state_i is "" for items without a state (Messenger messages, postbacks): last_i is unused.
-- Returns { accepted_count, duplicate_count }.
-- The stream is not trimmed by length here: an entry leaves the stream when its consumer
-- acknowledges it (the consumer's commit function XACKs and XDELs in one step), so nothing
-- unprocessed can be trimmed away.
local function ingest(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local ttl = tonumber(args[2])
  local stream = keys[1]
  local accepted, duplicates = 0, 0
  local n = (#keys - 1) / 2
  for i = 1, n do
    local seen, last = keys[2 * i], keys[2 * i + 1]
    local payload, state = args[2 * i + 1], args[2 * i + 2]
    local repeat_state = state ~= '' and redis.call('GET', last) == state
    if not repeat_state and redis.call('SET', seen, '1', 'NX', 'EX', ttl) then
      redis.call('XADD', stream, '*', 'p', payload)
      if state ~= '' then redis.call('SET', last, state, 'EX', ttl) end
      accepted = accepted + 1
    else
      duplicates = duplicates + 1
    end
  end
  return { accepted, duplicates }
end

redis.register_function('vt_ingest', ingest)
