import { z } from 'zod';

/** A what-if scenario shipped in resources/scenarios, as plain JSON the page edits through a form. */
export const WhatIfScenarioRow = z.object({ name: z.string(), description: z.string(), scenario: z.record(z.string(), z.unknown()) });
export type WhatIfScenarioRow = z.infer<typeof WhatIfScenarioRow>;

export const WhatIfPlanInput = z.object({ scenario: z.record(z.string(), z.unknown()) }).strict();

/** The pure planner's answer for a scenario: its verdict, findings and steps, or what is wrong with the facts. */
export const WhatIfPlanView = z.object({
  valid: z.boolean(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
  ok: z.boolean(),
  findings: z.array(z.object({ rule: z.string(), severity: z.enum(['block', 'warn', 'info']), message: z.string(), remedy: z.string() })),
  steps: z.array(z.object({ rule: z.string(), description: z.string() })),
  transports: z.array(z.object({ disk: z.string(), transport: z.string().nullable() })),
});
export type WhatIfPlanView = z.infer<typeof WhatIfPlanView>;
