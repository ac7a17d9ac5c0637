import EvaluationIcon from '@mui/icons-material/Insights';
import { lazy } from 'react';
import { EvaluationList } from './EvaluationList';

// Loaded on first visit (the layout's Suspense shows react-admin's <Loading> meanwhile): see App.tsx.
const EvaluationShow = lazy(() => import('./EvaluationShow').then((m) => ({ default: m.EvaluationShow })));

export default {
  list: EvaluationList,
  show: EvaluationShow,
  icon: EvaluationIcon,
  recordRepresentation: 'id',
};
