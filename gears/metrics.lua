#!lua name=vt_metrics
--@include version.lua

-- Live metrics: every step on a node's arguments that must not interleave with another
-- worker's happens here. Times are the engine clock's milliseconds, passed in (never the
-- server's), and every argument carries its own expiry time, so freshness follows the
-- clock the engine (or a test) runs on. PEXPIRE only collects garbage, far behind.
--
-- A node's arguments hash (metric:args:<node>) holds, per argument node a:
--   v:<a> value (as sent, a decimal string), t:<a> time it was produced, x:<a> expiry time
-- and `#seq` (bumped by every argument set) / `#taken` (the seq last computed from, used by
-- nodes that keep their arguments).

-- vt_metric_set(KEYS = [value_key, args_key_1, ..., args_key_n],
--               ARGV = [version, node, value, at, expires_at, gc_ms])
--
-- Records a node's value and hands it to each parent as an argument, in one step. A value
-- older than the one already held (by `at`) is ignored, so a slow worker cannot overwrite a
-- newer value. Returns 1 when recorded, 0 when ignored as older.
local function metric_set(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local node, value, at, exp, gc = args[2], args[3], tonumber(args[4]), args[5], tonumber(args[6])
  local held = redis.call('HGET', keys[1], 'at')
  if held and tonumber(held) > at then return 0 end
  redis.call('HSET', keys[1], 'v', value, 'at', args[4], 'x', exp)
  for i = 2, #keys do
    local k = keys[i]
    local prev = redis.call('HGET', k, 't:' .. node)
    if not prev or tonumber(prev) <= at then
      redis.call('HSET', k, 'v:' .. node, value, 't:' .. node, args[4], 'x:' .. node, exp)
      redis.call('HINCRBY', k, '#seq', 1)
      if redis.call('PTTL', k) < gc then redis.call('PEXPIRE', k, gc) end
    end
  end
  return 1
end

-- vt_metric_take(KEYS = [args_key], ARGV = [version, now, keep, arg_1, ..., arg_n])
--
-- Reads a node's arguments and, when every one is present and fresh at `now`, hands the set
-- to this caller only: with keep = 0 the arguments are deleted (consumed); with keep = 1 they
-- stay and the set is marked taken, so the same set is never handed out twice. Expired
-- arguments are deleted on the way. Returns the values (strings, in argument order) or nil.
local function metric_take(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local k, now, keep = keys[1], tonumber(args[2]), args[3] == '1'
  local values, complete = {}, true
  for i = 4, #args do
    local a = args[i]
    local v = redis.call('HGET', k, 'v:' .. a)
    if not v then
      complete = false
    elseif tonumber(redis.call('HGET', k, 'x:' .. a)) <= now then
      redis.call('HDEL', k, 'v:' .. a, 't:' .. a, 'x:' .. a)
      complete = false
    else
      values[#values + 1] = v
    end
  end
  if not complete then return false end
  if keep then
    local seq = redis.call('HGET', k, '#seq') or '0'
    if redis.call('HGET', k, '#taken') == seq then return false end
    redis.call('HSET', k, '#taken', seq)
  else
    for i = 4, #args do
      local a = args[i]
      redis.call('HDEL', k, 'v:' .. a, 't:' .. a, 'x:' .. a)
    end
  end
  return values
end

redis.register_function('vt_metric_set', metric_set)
redis.register_function('vt_metric_take', metric_take)
