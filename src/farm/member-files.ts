/** The member files moved to run/ (the run folder's one owner); kept here for older imports. */
export { predictionsFile, readMemberFiles, writeMemberFiles, type MemberSummary } from '../run/member-files.js';
