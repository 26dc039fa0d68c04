import AppLayout from '@cloudscape-design/components/app-layout-toolbar';
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup, { type BreadcrumbGroupProps } from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Modal from '@cloudscape-design/components/modal';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import TopNavigation from '@cloudscape-design/components/top-navigation';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { IdpId } from '../../lambdas/contract/admin-api';
import type { AdminApi } from './api';
import type { Session } from './auth';
import { PageErrorBoundary } from './components/page-error-boundary';
import { HREF, parseRoute, type Route } from './routing';
import { UnsavedContext } from './unsaved';

// One chunk per page: the shell loads first, each page when it is first opened.
const Provisioning = lazy(() => import('./pages/provisioning'));
const Settings = lazy(() => import('./pages/settings'));
const Users = lazy(() => import('./pages/users'));
const UserDetail = lazy(() => import('./pages/user-detail'));
const Groups = lazy(() => import('./pages/groups'));
const GroupMembers = lazy(() => import('./pages/group-members'));
const ProvisioningLog = lazy(() => import('./pages/provisioning-log'));

export interface PageProps {
  api: AdminApi;
  navigate(href: string): void;
  idp: IdpId;
  setIdp(idp: IdpId): void;
}

/** Cloudscape's mobile breakpoint (its "xs"): narrower windows get the overlay navigation. */
const MOBILE_MAX_WIDTH = 688;

const TITLES: Record<Route['page'], string> = {
  provisioning: 'User Provisioning',
  settings: 'Edit Settings',
  users: 'Users',
  user: 'User',
  groups: 'User groups',
  group: 'Group members',
  log: 'Provisioning log',
};

/** The signed-in console: top bar, side navigation, breadcrumbs, and the page the hash names. */
export function App({ api, session, onSignOut }: { api: AdminApi; session: Session; onSignOut(): void }) {
  const [hash, setHash] = useState(() => window.location.hash || HREF.provisioning);
  const [pending, setPending] = useState<string | null>(null);
  const [navigationOpen, setNavigationOpen] = useState(true);
  const [idp, setIdp] = useState<IdpId>('okta');
  const dirty = useRef(false);
  const current = useRef(hash);
  const setDirty = useCallback((value: boolean) => {
    dirty.current = value;
  }, []);

  useEffect(() => {
    const onChange = () => {
      const next = window.location.hash || HREF.provisioning;
      if (next === current.current) return;
      if (dirty.current) {
        // Stay until the admin chooses to discard; replaceState does not fire hashchange.
        window.history.replaceState(null, '', current.current);
        setPending(next);
        return;
      }
      current.current = next;
      setHash(next);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);

  // The layout closes the navigation whenever the window becomes narrow (mobile); back on a wide
  // window it stays closed. Reopen it then, so a window that was briefly narrow keeps its navigation.
  useEffect(() => {
    const wide = window.matchMedia(`(min-width: ${MOBILE_MAX_WIDTH + 1}px)`);
    const onChange = () => {
      if (wide.matches) setNavigationOpen(true);
    };
    wide.addEventListener('change', onChange);
    return () => wide.removeEventListener('change', onChange);
  }, []);

  const navigate = useCallback((href: string) => {
    window.location.hash = href;
  }, []);

  const route = parseRoute(hash);
  useEffect(() => {
    document.title = `${TITLES[route.page]} · Admin console`;
  }, [route.page]);

  const follow = (event: CustomEvent<{ href: string; external?: boolean }>) => {
    if (event.detail.external) return;
    event.preventDefault();
    navigate(event.detail.href);
  };

  const props: PageProps = { api, navigate, idp, setIdp };
  return (
    <UnsavedContext.Provider value={setDirty}>
      <div id="top-nav" style={{ position: 'sticky', top: 0, zIndex: 1002 }}>
        <TopNavigation
          identity={{
            href: HREF.provisioning,
            title: 'Admin console',
            onFollow: (event) => {
              event.preventDefault();
              navigate(HREF.provisioning);
            },
          }}
          utilities={[
            {
              type: 'button',
              text: `Tenant ${api.tenant}`,
              iconName: 'folder',
              disableUtilityCollapse: false,
            },
            {
              type: 'menu-dropdown',
              text: session.user,
              iconName: 'user-profile',
              items: [{ id: 'sign-out', text: 'Sign out' }],
              onItemClick: ({ detail }) => {
                if (detail.id === 'sign-out') onSignOut();
              },
            },
          ]}
        />
      </div>
      <AppLayout
        headerSelector="#top-nav"
        toolsHide
        navigationOpen={navigationOpen}
        onNavigationChange={({ detail }) => setNavigationOpen(detail.open)}
        ariaLabels={{
          navigation: 'Side navigation',
          navigationClose: 'Close side navigation',
          navigationToggle: 'Open side navigation',
          notifications: 'Notifications',
        }}
        breadcrumbs={<BreadcrumbGroup items={breadcrumbs(route)} ariaLabel="Breadcrumbs" onFollow={follow} />}
        navigation={
          <SideNavigation
            header={{ text: 'Admin', href: HREF.provisioning }}
            activeHref={activeHref(route)}
            onFollow={follow}
            items={[
              { type: 'link', text: 'User Provisioning', href: HREF.provisioning },
              { type: 'link', text: 'Users', href: HREF.users },
              { type: 'link', text: 'User groups', href: HREF.groups },
              { type: 'link', text: 'Provisioning log', href: HREF.log },
            ]}
          />
        }
        content={
          <Suspense
            fallback={
              <Box padding="l">
                <Spinner /> Loading…
              </Box>
            }
          >
            <PageErrorBoundary key={hash}>
              <Page route={route} props={props} />
            </PageErrorBoundary>
          </Suspense>
        }
      />
      <Modal
        visible={pending !== null}
        onDismiss={() => setPending(null)}
        header="Discard unsaved changes?"
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setPending(null)}>
                Keep editing
              </Button>
              <Button
                variant="primary"
                onClick={() => {
                  const next = pending ?? HREF.provisioning;
                  dirty.current = false;
                  setPending(null);
                  current.current = next;
                  window.location.hash = next;
                  setHash(next);
                }}
              >
                Discard
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        The settings have changes that are not saved. Leaving this page discards them.
      </Modal>
    </UnsavedContext.Provider>
  );
}

function Page({ route, props }: { route: Route; props: PageProps }) {
  switch (route.page) {
    case 'provisioning':
      return <Provisioning {...props} />;
    case 'settings':
      return <Settings {...props} />;
    case 'users':
      return <Users {...props} />;
    case 'user':
      return <UserDetail {...props} id={route.id} key={route.id} />;
    case 'groups':
      return <Groups {...props} />;
    case 'group':
      return <GroupMembers {...props} id={route.id} key={route.id} />;
    case 'log':
      return <ProvisioningLog {...props} />;
  }
}

function activeHref(route: Route): string {
  switch (route.page) {
    case 'provisioning':
    case 'settings':
      return HREF.provisioning;
    case 'users':
    case 'user':
      return HREF.users;
    case 'groups':
    case 'group':
      return HREF.groups;
    case 'log':
      return HREF.log;
  }
}

function breadcrumbs(route: Route): BreadcrumbGroupProps.Item[] {
  const identity = [
    { text: 'Admin', href: HREF.provisioning },
    { text: 'Identity', href: HREF.provisioning },
  ];
  switch (route.page) {
    case 'provisioning':
      return [...identity, { text: 'User Provisioning', href: HREF.provisioning }];
    case 'settings':
      return [
        ...identity,
        { text: 'User Provisioning', href: HREF.provisioning },
        { text: 'Edit Settings', href: HREF.settings },
      ];
    case 'log':
      return [...identity, { text: 'Provisioning log', href: HREF.log }];
    case 'users':
      return [
        { text: 'Users', href: HREF.users },
        { text: 'Users', href: HREF.users },
      ];
    case 'user':
      return [
        { text: 'Users', href: HREF.users },
        { text: 'Users', href: HREF.users },
        { text: route.id, href: HREF.user(route.id) },
      ];
    case 'groups':
      return [
        { text: 'Users', href: HREF.users },
        { text: 'User groups', href: HREF.groups },
      ];
    case 'group':
      return [
        { text: 'Users', href: HREF.users },
        { text: 'User groups', href: HREF.groups },
        { text: route.id, href: HREF.group(route.id) },
      ];
  }
}
