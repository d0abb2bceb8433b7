#!lua name=vt_streams
--@include version.lua

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
  local moved = 0
  for i = 4, #args, 2 do
    local id = args[i]
    if redis.call('XACK', source, group, id) == 1 then
      redis.call('XADD', dead, 'MAXLEN', '~', maxlen, '*', 'p', args[i + 1])
      redis.call('XDEL', source, id)
      moved = moved + 1
    end
  end
  return moved
end

redis.register_function('vt_dead_letter', dead_letter)
