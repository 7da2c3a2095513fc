/** The session settings the machine tests start from (each test overrides what it needs). */

import type { SessionSettings } from "../../lib/session/types.ts";
import { IBKR_TOTP } from "../../lib/config/types.ts";

export const TEST_SETTINGS: SessionSettings = {
  TWOFACTOR_CODE: { secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", ...IBKR_TOTP },
  TWOFA_DEVICE: undefined,
  READ_ONLY_LOGIN: false,
  TWOFA_EXIT_INTERVAL: 60,
  TWOFA_TIMEOUT: 180,
  TWOFA_TIMEOUT_ACTION: "exit",
  RELOGIN_AFTER_TWOFA_TIMEOUT: false,
  EXISTING_SESSION_DETECTED_ACTION: "primary",
  PILOT_LOGIN_FRAME_TIMEOUT: 60,
  PILOT_AGENT_TIMEOUT: 30,
  PILOT_API_READY_TIMEOUT: 180,
  PILOT_PROBE_INTERVAL: 30,
  PILOT_CCP_BACKOFF_INITIAL: 60,
  PILOT_CCP_BACKOFF_MAX: 600,
  PILOT_CCP_MAX_RELOGINS: 8,
  PILOT_CCP_COOLDOWN: 0,
  hasConfigPlan: false,
  PILOT_CRASH_BACKOFF_INITIAL: 5,
  PILOT_CRASH_BACKOFF_MAX: 300,
  PILOT_CRASH_MAX_RESTARTS: 3,
  honourMaintenance: true,
};
