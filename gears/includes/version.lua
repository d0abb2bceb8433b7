-- Shared by every library (the loader pastes it in where `--@include version.lua` stands).
-- VERSION is replaced by the loader with a hash of the library's source. Every function takes
-- the caller's expected version as ARGV[1] and refuses to run against other code, so a worker
-- built from an older checkout never runs a newer library (or the reverse) by accident.
local VERSION = '__GEAR_VERSION__'

local function check_version(v)
  if v ~= VERSION then
    return redis.error_reply('VT_GEAR_VERSION expected ' .. VERSION .. ' got ' .. tostring(v))
  end
  return nil
end
