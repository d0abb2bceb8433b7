#!lua name=vt_ingest
--@include version.lua

-- vt_ingest(KEYS = [stream, seen_1, ..., seen_n],
--           ARGV = [version, ttl_seconds, payload_1, ..., payload_n])
--
-- Accepts a batch of webhook deliveries atomically: each payload whose seen key is not set yet
-- is appended to the ingest stream (field `p`) and its seen key is set with the TTL. A payload
-- whose seen key exists is a repeat (Meta retries deliveries for up to 36 h) and is skipped.
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
  for i = 2, #keys do
    local payload = args[i + 1]
    if redis.call('SET', keys[i], '1', 'NX', 'EX', ttl) then
      redis.call('XADD', stream, '*', 'p', payload)
      accepted = accepted + 1
    else
      duplicates = duplicates + 1
    end
  end
  return { accepted, duplicates }
end

redis.register_function('vt_ingest', ingest)
