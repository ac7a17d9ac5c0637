import LeaderboardIcon from '@mui/icons-material/Leaderboard';
import { LeaderboardList } from './LeaderboardList';

export { ComparePage } from './ComparePage';

export default {
  list: LeaderboardList,
  icon: LeaderboardIcon,
  options: { label: 'Leaderboard' },
};
