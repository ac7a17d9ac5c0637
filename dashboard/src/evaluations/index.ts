import EvaluationIcon from '@mui/icons-material/Insights';
import { EvaluationList } from './EvaluationList';
import { EvaluationShow } from './EvaluationShow';

export default {
  list: EvaluationList,
  show: EvaluationShow,
  icon: EvaluationIcon,
  recordRepresentation: 'id',
};
