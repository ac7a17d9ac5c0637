import { lazy } from 'react';
import { Admin, CustomRoutes, reactRouterProvider, Resource } from 'react-admin';
import { authProvider } from './auth/auth-provider';
import { dataProvider } from './data-provider';
import evaluations from './evaluations';
import leaderboards, { ComparePage } from './leaderboard';
import { Layout } from './layout';
import models from './models';
import suites from './suites';
import { darkTheme, lightTheme } from './theme';

// Route elements belong to the router react-admin runs on (hash-based by default, so deep links work
// without server rewrites); taking them from its provider keeps the app on that one router.
const { Route } = reactRouterProvider;

// The leaderboard (the landing page) and the lists load with the app; the heavier pages one rarely lands
// on first (an evaluation, a model, compare, submit, admin) load on first visit, as do the charts.
// react-admin's layout wraps every route in Suspense, so a page still loading shows its <Loading>.
const SubmitPage = lazy(() => import('./submit').then((m) => ({ default: m.SubmitPage })));
const AdminPage = lazy(() => import('./admin').then((m) => ({ default: m.AdminPage })));
const ArenaPage = lazy(() => import('./arena').then((m) => ({ default: m.ArenaPage })));

// In development builds, React's "does not recognize the `InputProps` prop" errors (also `inputProps`,
// `inputRef`) come from react-admin's own inputs on Material UI 9, not from this code: README, Dashboard notes.

/**
 * genbench dashboard: leaderboards first, then models, evaluations, suites, the submit form, and the admin
 * page (offered to admin tokens only). Nothing needs a login: the auth provider only reads the stored token.
 */
export const App = () => (
  <Admin
    title="genbench"
    dataProvider={dataProvider}
    authProvider={authProvider}
    loginPage={false}
    layout={Layout}
    theme={lightTheme}
    darkTheme={darkTheme}
    disableTelemetry
  >
    <Resource name="leaderboards" {...leaderboards}>
      <Route path="compare" element={<ComparePage />} />
    </Resource>
    <Resource name="models" {...models} />
    <Resource name="evaluations" {...evaluations} />
    <Resource name="suites" {...suites} />
    {/* Admin-only resources without pages of their own: the Admin page lists and writes them (schedules/, tokens/). */}
    <Resource name="schedules" recordRepresentation="name" />
    <Resource name="tokens" recordRepresentation="name" />
    <CustomRoutes>
      <Route path="/submit" element={<SubmitPage />} />
      <Route path="/admin" element={<AdminPage />} />
      <Route path="/arena" element={<ArenaPage />} />
    </CustomRoutes>
  </Admin>
);
