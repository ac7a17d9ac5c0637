import ModelIcon from '@mui/icons-material/ViewInAr';
import { lazy } from 'react';
import { ModelList } from './ModelList';

// Loaded on first visit (the layout's Suspense shows react-admin's <Loading> meanwhile): see App.tsx.
const ModelShow = lazy(() => import('./ModelShow').then((m) => ({ default: m.ModelShow })));

export default {
  list: ModelList,
  show: ModelShow,
  icon: ModelIcon,
  recordRepresentation: 'name',
};
