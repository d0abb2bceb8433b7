// Preloaded (node -r) into the real localtunnel server when a test runs it by hand: its
// per-client socket servers call listen() with no address (lib/TunnelAgent.js, listen), which
// would open them on every interface. Here everything it listens on stays on 127.0.0.1.
const net = process.getBuiltinModule('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args.length === 0 || typeof args[0] === 'function') return listen.call(this, 0, '127.0.0.1', ...args);
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') return listen.call(this, args[0], '127.0.0.1', ...args.slice(1));
  return listen.apply(this, args);
};
