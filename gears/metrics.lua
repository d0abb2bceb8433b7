#!lua name=vt_metrics
--@include version.lua

-- Live metrics: every step on a node's arguments that must not interleave with another
-- worker's happens here. Times are the engine clock's milliseconds, passed in (never the
-- server's), and every argument carries its own expiry time, so freshness follows the
-- clock the engine (or a test) runs on. PEXPIRE only collects garbage, far behind.
--
-- A node's arguments hash (metric:args:<node>) holds, per argument node a:
--   v:<a> value (as sent, a decimal string), t:<a> time it was measured, x:<a> expiry time
--   p:<a> how many changes will still recompute a (so this node must wait for it)
-- and
--   #seq   bumped by every argument write; #taken the seq last computed from (keepArguments)
--   #pend  the sum of every p:<a> (0 or absent: nothing to wait for)
--   #due   how many changes reached this node and are not yet processed
--   #forever set once a never-expiring argument was written (the hash then never expires)
--   L:<id>  a taken set not yet committed (a lease, see vt_metric_take); #nlease how many
--
-- One "change" (one input call) reaches a set of derived nodes: every node above a node it
-- gave a value to. vt_metric_change marks each of them due and, on each, every argument that
-- is itself reached (it will be recomputed) as pending. A node is processed only when nothing
-- is pending on it (vt_metric_take), and processing an argument releases it on its parents
-- (vt_metric_done), so a node computes once, after every argument the change recomputes, in
-- topological order, however many workers run the jobs.

-- Writes one value as the node's value and as an argument of each parent. An older value (by
-- `at`) than the one held is ignored, so a slow worker cannot overwrite a newer one.
-- gc < 0: the value never expires (the hashes it lands in are kept).
local function write_value(value_key, parent_keys, node, value, at_s, exp, gc)
  local at = tonumber(at_s)
  local held = redis.call('HGET', value_key, 'at')
  if held and tonumber(held) > at then return 0 end
  redis.call('HSET', value_key, 'v', value, 'at', at_s, 'x', exp)
  for _, k in ipairs(parent_keys) do
    local prev = redis.call('HGET', k, 't:' .. node)
    if not prev or tonumber(prev) <= at then
      redis.call('HSET', k, 'v:' .. node, value, 't:' .. node, at_s, 'x:' .. node, exp)
      redis.call('HINCRBY', k, '#seq', 1)
      if gc < 0 then
        redis.call('HSET', k, '#forever', '1')
        redis.call('PERSIST', k)
      elseif not redis.call('HGET', k, '#forever') and redis.call('PTTL', k) < gc then
        redis.call('PEXPIRE', k, gc)
      end
    end
  end
  return 1
end

-- vt_metric_change(KEYS = [key_1, ..., key_n], ARGV = [version, plan])
--
-- plan (JSON): { "w": [[node, value, at, expires_at, gc_ms, value_key_i, [parent_key_i...]]...],
--                "d": [[args_key_i, [pending_arg...]]...] }   (indices into KEYS, 1-based)
-- Writes every value of one input call and marks the derived nodes it reaches (d) as due,
-- with their recomputed arguments pending, all in one step. Returns 1/0 per write (0: older
-- than the value held, ignored).
local function metric_change(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local plan = cjson.decode(args[2])
  local out = {}
  for i, w in ipairs(plan.w) do
    local parents = {}
    for _, p in ipairs(w[7]) do parents[#parents + 1] = keys[p] end
    out[i] = write_value(keys[w[6]], parents, w[1], w[2], w[3], w[4], tonumber(w[5]))
  end
  for _, d in ipairs(plan.d) do
    local k = keys[d[1]]
    redis.call('HINCRBY', k, '#due', 1)
    for _, a in ipairs(d[2]) do
      redis.call('HINCRBY', k, 'p:' .. a, 1)
      redis.call('HINCRBY', k, '#pend', 1)
    end
  end
  return out
end

-- The Redis server's clock in ms. Leases measure whether a worker is still alive, which is
-- real time shared by every worker, not the engine clock freshness follows (a test's manual
-- clock does not move while a worker is gone).
local function server_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A lease is one taken set, kept in the args hash as L:<id> = JSON
--   { k = changes processed, s = 'ok' | 'incomplete', v = {values...}, at = job time,
--     o = owner (the compute job's id), x = server ms it expires }
-- and in the leases sorted set (member node .. '\n' .. id, score x) so a sweep finds the
-- leases of workers that died. #lseq numbers a node's leases.
local function lease_reply(id, l)
  local out = { l.s, l.k, id, l.at }
  if l.s == 'ok' then for _, v in ipairs(l.v) do out[#out + 1] = v end end
  return out
end

local function put_lease(k, leases_key, node, id, l)
  redis.call('HSET', k, 'L:' .. id, cjson.encode(l))
  redis.call('ZADD', leases_key, l.x, node .. '\n' .. id)
end

-- vt_metric_take(KEYS = [args_key, leases_key], ARGV = [version, now, keep, node, owner,
--                lease_ms, at, arg_1, ..., arg_n])
--
-- Processes a node's due changes, once nothing is pending on it. Returns
--   {'wait'}         an argument is still to be recomputed (its job will queue this node again)
--   {'idle'}         no change is due (another job already processed them)
--   {'incomplete', k, lease, at} k changes processed; no full fresh set, or (keep) the same set again
--   {'ok', k, lease, at, v_1, ..., v_n} k changes processed, and this lease alone holds the set
-- When every argument is present and fresh at `now`: with keep = 0 the arguments are deleted
-- (consumed); with keep = 1 they stay and the set is marked taken, so the same set is never
-- handed out twice. Expired arguments are deleted on the way.
--
-- The result is kept as a lease until vt_metric_done commits it. A take by the same owner (the
-- job retried after an error) or any take after the lease expired (its worker died) gets the
-- same lease again, renewed, before anything new: a set taken by a worker that died is not lost
-- and its parents are still released, and since only the first commit of a lease counts, a late
-- original and its retry never record two values from one set.
local function metric_take(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local k, leases_key, now, keep = keys[1], keys[2], tonumber(args[2]), args[3] == '1'
  local node, owner, lease_ms, at = args[4], args[5], tonumber(args[6]), args[7]
  if tonumber(redis.call('HGET', k, '#nlease') or '0') > 0 then
    local t = server_ms()
    for _, f in ipairs(redis.call('HKEYS', k)) do
      if string.sub(f, 1, 2) == 'L:' then
        local l = cjson.decode(redis.call('HGET', k, f))
        if (owner ~= '' and l.o == owner) or l.x <= t then
          l.o, l.x = owner, t + lease_ms
          local id = string.sub(f, 3)
          put_lease(k, leases_key, node, id, l)
          return lease_reply(id, l)
        end
      end
    end
  end
  if tonumber(redis.call('HGET', k, '#pend') or '0') > 0 then return { 'wait' } end
  local due = tonumber(redis.call('HGET', k, '#due') or '0')
  if due <= 0 then return { 'idle' } end
  redis.call('HDEL', k, '#due')
  local values, complete = {}, true
  for i = 8, #args do
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
  local status = 'ok'
  if not complete then
    status = 'incomplete'
  elseif keep then
    local seq = redis.call('HGET', k, '#seq') or '0'
    if redis.call('HGET', k, '#taken') == seq then
      status = 'incomplete'
    else
      redis.call('HSET', k, '#taken', seq)
    end
  else
    for i = 8, #args do
      local a = args[i]
      redis.call('HDEL', k, 'v:' .. a, 't:' .. a, 'x:' .. a)
    end
  end
  if status ~= 'ok' then values = {} end
  local id = tostring(redis.call('HINCRBY', k, '#lseq', 1))
  redis.call('HINCRBY', k, '#nlease', 1)
  local l = { k = due, s = status, v = values, at = at, o = owner, x = server_ms() + lease_ms }
  put_lease(k, leases_key, node, id, l)
  return lease_reply(id, l)
end

-- vt_metric_done(KEYS = [value_key, args_key, leases_key, parent_args_key_1, ..., parent_args_key_n],
--                ARGV = [version, node, lease, has_value, value, at, expires_at, gc_ms])
--
-- Commits lease `lease` of `node`: writes its new value when it computed one (has_value = 1),
-- then releases `node` on each parent as many times as the lease processed changes. A lease
-- already committed (by a retry, or by the original after its retry) changes nothing. Returns
-- {committed (1/0), written (1/0), i...}: the parents (1-based, in KEYS order after the first
-- three) that now wait for nothing and have changes due, which the caller queues.
local function metric_done(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local args_key, leases_key, node, id = keys[2], keys[3], args[2], args[3]
  local raw = redis.call('HGET', args_key, 'L:' .. id)
  if not raw then return { 0, 0 } end
  local k = cjson.decode(raw).k
  redis.call('HDEL', args_key, 'L:' .. id)
  if redis.call('HINCRBY', args_key, '#nlease', -1) <= 0 then redis.call('HDEL', args_key, '#nlease') end
  redis.call('ZREM', leases_key, node .. '\n' .. id)
  local parents = {}
  for i = 4, #keys do parents[#parents + 1] = keys[i] end
  local written = 0
  if args[4] == '1' then written = write_value(keys[1], parents, node, args[5], args[6], args[7], tonumber(args[8])) end
  local out = { 1, written }
  for i, p in ipairs(parents) do
    local left = redis.call('HINCRBY', p, 'p:' .. node, -k)
    if left <= 0 then redis.call('HDEL', p, 'p:' .. node) end
    local pend = redis.call('HINCRBY', p, '#pend', -k)
    if pend <= 0 then
      redis.call('HDEL', p, '#pend')
      if tonumber(redis.call('HGET', p, '#due') or '0') > 0 then out[#out + 1] = i end
    end
  end
  return out
end

-- vt_metric_expired(KEYS = [leases_key], ARGV = [version, max])
--
-- The leases (node .. '\n' .. id) whose worker let them expire, at most `max`, so a sweep can
-- queue their nodes: the next take of each gets the expired lease.
local function metric_expired(keys, args)
  local err = check_version(args[1])
  if err then return err end
  return redis.call('ZRANGEBYSCORE', keys[1], '-inf', server_ms(), 'LIMIT', 0, tonumber(args[2]))
end

-- vt_metric_clear(KEYS = [args_key], ARGV = [version])
--
-- Forgets the argument values held for a node (its definition changed) but keeps what is due
-- and pending on it: a change already under way still processes it and releases its parents.
local function metric_clear(keys, args)
  local err = check_version(args[1])
  if err then return err end
  local k = keys[1]
  local drop = {}
  for _, f in ipairs(redis.call('HKEYS', k)) do
    local c = string.sub(f, 1, 2)
    if c == 'v:' or c == 't:' or c == 'x:' or f == '#seq' or f == '#taken' then drop[#drop + 1] = f end
  end
  if #drop > 0 then redis.call('HDEL', k, unpack(drop)) end
  return #drop
end

redis.register_function('vt_metric_change', metric_change)
redis.register_function('vt_metric_take', metric_take)
redis.register_function('vt_metric_done', metric_done)
redis.register_function('vt_metric_clear', metric_clear)
redis.register_function('vt_metric_expired', metric_expired)
