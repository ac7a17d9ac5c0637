import ModelIcon from '@mui/icons-material/ViewInAr';
import { ModelList } from './ModelList';
import { ModelShow } from './ModelShow';

export default {
  list: ModelList,
  show: ModelShow,
  icon: ModelIcon,
  recordRepresentation: 'name',
};
