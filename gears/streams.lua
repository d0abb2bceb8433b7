#!lua name=vt_streams
--@include version.lua
--@include commit.lua

-- vt_dead_letter(KEYS = [source_stream, dead_stream],
--                ARGV = [version, group, dead_maxlen, id_1, record_1, ..., id_n, record_n])
--
-- Moves entries that cannot be processed (malformed, or failed too many deliveries) out of a
-- consumer group's way: each entry still pending in the group is acknowledged, deleted from the
-- source stream and its record (JSON: source, id, reason, payload) appended to the dead-letter
-- stream, all in one step. An entry another consumer already acknowledged is left alone, so a
-- record is never written twice. The dead-letter stream is capped (approximately) at
-- dead_maxlen entries so it cannot grow without bound.
-- Returns the number of entries moved.
local function dead_letter(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local source, dead = keys[1], keys[2]
  local group = args[2]
  local maxlen = tonumber(args[3])
  local done = {}
  for i = 4, #args, 2 do
    if ack_forward(source, group, args[i], dead, maxlen, args[i + 1]) then done[#done + 1] = args[i] end
  end
  delete_entries(source, done)
  return #done
end

redis.register_function('vt_dead_letter', dead_letter)

-- vt_dead_retry(KEYS = [dead_stream, source_1, ..., source_k], ARGV = [version, dead_id_1, ..., dead_id_n])
--
-- Puts dead-lettered entries back where they came from, for the coordinator's Retry: for each
-- record still in the dead-letter stream whose source is one of the given source streams and
-- which kept the entry's payload, the payload is appended to the source (field `p`, a new id, so
-- the stage's consumer group reads it as a new entry) and the record is deleted, in one step.
-- A record already retried or discarded (two clicks, two windows), or one without a payload, is
-- counted as skipped: nothing is appended twice.
-- Returns { retried, skipped }.
local function dead_retry(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local dead = keys[1]
  local allowed = {}
  for k = 2, #keys do allowed[keys[k]] = true end
  local retried, skipped = 0, 0
  for i = 2, #args do
    local id = args[i]
    local found = redis.call('XRANGE', dead, id, id)
    local record = nil
    if #found == 1 then
      local fields = found[1][2]
      for f = 1, #fields, 2 do
        if fields[f] == 'p' then record = fields[f + 1] end
      end
    end
    local ok, decoded = false, nil
    if record then ok, decoded = pcall(cjson.decode, record) end
    if ok and type(decoded) == 'table' and type(decoded.source) == 'string' and allowed[decoded.source]
        and type(decoded.payload) == 'string' then
      redis.call('XADD', decoded.source, '*', 'p', decoded.payload)
      redis.call('XDEL', dead, id)
      retried = retried + 1
    else
      skipped = skipped + 1
    end
  end
  return { retried, skipped }
end

redis.register_function('vt_dead_retry', dead_retry)
