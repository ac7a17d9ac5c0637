export { ScheduleCreate } from './ScheduleCreate';
export { ScheduleList } from './ScheduleList';
