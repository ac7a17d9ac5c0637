import SuiteIcon from '@mui/icons-material/Rule';
import { SuiteList } from './SuiteList';
import { SuiteShow } from './SuiteShow';

export default {
  list: SuiteList,
  show: SuiteShow,
  icon: SuiteIcon,
  recordRepresentation: 'id',
};
