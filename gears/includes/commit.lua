-- The commit step every stage shares (the loader pastes it in where `--@include commit.lua`
-- stands): acknowledge an entry in the stage's consumer group and, only when it was still
-- pending there, forward its result. XACK answers 1 only to the first caller, so when a slow
-- worker's entries were reclaimed and committed by another worker, the late commit forwards
-- nothing: each entry yields its output exactly once. Used by vt_preprocess, vt_classifier and
-- vt_dead_letter.

-- Acknowledges `id` in `group` of `source`; when it was still pending, appends `payload`
-- (field `p`) to `dest`, capped at about `maxlen` entries when a cap is given. Returns true
-- when it forwarded.
local function ack_forward(source, group, id, dest, maxlen, payload)
  if redis.call('XACK', source, group, id) ~= 1 then return false end
  if maxlen then
    redis.call('XADD', dest, 'MAXLEN', '~', maxlen, '*', 'p', payload)
  else
    redis.call('XADD', dest, '*', 'p', payload)
  end
  return true
end

-- Deletes committed entries from `source`: one XDEL per few hundred ids instead of one per
-- entry (unpack's stack limit bounds a call).
local function delete_entries(source, ids)
  for from = 1, #ids, 500 do
    redis.call('XDEL', source, unpack(ids, from, math.min(from + 499, #ids)))
  end
end
