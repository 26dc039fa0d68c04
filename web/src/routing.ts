import { useEffect, useState } from 'react';

/** The console's pages, addressed by the URL's hash (no router library, no server routes). */
export type Route =
  | { page: 'provisioning' }
  | { page: 'settings' }
  | { page: 'users' }
  | { page: 'user'; id: string }
  | { page: 'groups' }
  | { page: 'group'; id: string }
  | { page: 'log' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'provisioning':
      return parts[1] === 'settings' ? { page: 'settings' } : { page: 'provisioning' };
    case 'users':
      return parts[1] ? { page: 'user', id: parts[1] } : { page: 'users' };
    case 'groups':
      return parts[1] ? { page: 'group', id: parts[1] } : { page: 'groups' };
    case 'log':
      return { page: 'log' };
    default:
      return { page: 'provisioning' };
  }
}

export const HREF = {
  provisioning: '#/provisioning',
  settings: '#/provisioning/settings',
  users: '#/users',
  user: (id: string) => `#/users/${encodeURIComponent(id)}`,
  groups: '#/groups',
  group: (id: string) => `#/groups/${encodeURIComponent(id)}`,
  log: '#/log',
} as const;

/** The current hash, following hashchange. */
export function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}
