import LeaderboardIcon from '@mui/icons-material/Leaderboard';
import { lazy } from 'react';
import { LeaderboardList } from './LeaderboardList';

// Loaded on first visit (the layout's Suspense shows react-admin's <Loading> meanwhile): see App.tsx.
export const ComparePage = lazy(() => import('./ComparePage').then((m) => ({ default: m.ComparePage })));

export default {
  list: LeaderboardList,
  icon: LeaderboardIcon,
  options: { label: 'Leaderboard' },
};
