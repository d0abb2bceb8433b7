import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from './config';

describe('configuration from the environment', () => {
  it('defaults to loopback, port 4477, localtunnel and Graph v25.0', () => {
    const c = configFromEnv({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 4477, tunnel: 'localtunnel', graphVersion: 'v25.0', redisUrl: null });
  });

  it('refuses to serve anywhere but loopback', () => {
    expect(() => configFromEnv({ VOLUNTREE_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => configFromEnv({ VOLUNTREE_HOST: '192.168.1.20' })).toThrow(/loopback/);
    expect(configFromEnv({ VOLUNTREE_HOST: '127.0.0.2' }).host).toBe('127.0.0.2');
    expect(configFromEnv({ VOLUNTREE_HOST: '::1' }).host).toBe('::1');
  });

  it('names the variable when a value cannot work', () => {
    expect(() => configFromEnv({ VOLUNTREE_PORT: 'eighty' })).toThrow(/VOLUNTREE_PORT/);
    expect(() => configFromEnv({ FB_GRAPH_VERSION: '25' })).toThrow(/FB_GRAPH_VERSION/);
    // Versions before the 2026 Messenger rules are refused, newer ones taken.
    expect(() => configFromEnv({ FB_GRAPH_VERSION: 'v2.0' })).toThrow(/older than v25\.0/);
    expect(() => configFromEnv({ FB_GRAPH_VERSION: 'v24.0' })).toThrow(/older than v25\.0/);
    expect(configFromEnv({ FB_GRAPH_VERSION: 'v26.0' }).graphVersion).toBe('v26.0');
  });

  it('chooses the localtunnel server from VOLUNTREE_TUNNEL_HOST, the public one by default', () => {
    expect(configFromEnv({}).tunnelHost).toBe('https://localtunnel.me');
    expect(configFromEnv({ VOLUNTREE_TUNNEL_HOST: 'https://tunnel.riverside-foodbank.org/' }).tunnelHost).toBe('https://tunnel.riverside-foodbank.org');
    expect(configFromEnv({ VOLUNTREE_TUNNEL_HOST: 'http://127.0.0.1:3000' }).tunnelHost).toBe('http://127.0.0.1:3000');
    expect(() => configFromEnv({ VOLUNTREE_TUNNEL_HOST: 'http://tunnel.example.org' })).toThrow(/https/);
    expect(() => configFromEnv({ VOLUNTREE_TUNNEL_HOST: 'tunnel.example.org' })).toThrow(/VOLUNTREE_TUNNEL_HOST/);
    expect(() => configFromEnv({ VOLUNTREE_TUNNEL_HOST: 'https://user:pw@tunnel.example.org' })).toThrow(/only the server's address/);
  });
});
