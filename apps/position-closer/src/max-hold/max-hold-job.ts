/** Payload of a `position-max-hold` job; the job id is the position id too, so one job per position. */
export interface MaxHoldJob {
  position_id: string;
}
