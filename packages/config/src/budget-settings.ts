import type { ConfigFile } from './schema';

/** One spending cap from the config's `budget:` section. */
export interface BudgetCapSetting {
  /** @unit USD */
  readonly maxUsd: number;
  /** `run`: one process's run; `day`: one calendar day in {@link BudgetSettings.timeZone}. */
  readonly period: 'run' | 'day';
  /** Counts only this model's calls (matched against the model's unique name, as the ledger's `model` column). */
  readonly model?: string;
}

/** The config's `budget:` section, resolved. */
export interface BudgetSettings {
  readonly caps: readonly BudgetCapSetting[];
  /** IANA zone of the days of `max_usd_per_day`. @default 'UTC' */
  readonly timeZone: string;
  /** Let calls to a model with no known price through under a budget (they count as $0). @default false */
  readonly allowUnpriced: boolean;
}

/** Turns the validated `budget:` mapping into caps (`max_usd_per_run` / `max_usd_per_day`, overall and per model). */
export function budgetSettings(section: ConfigFile['budget']): BudgetSettings {
  const caps: BudgetCapSetting[] = [];
  const add = (
    limits: { max_usd_per_run?: number | null; max_usd_per_day?: number | null },
    model?: string,
  ) => {
    const scope = model === undefined ? {} : { model };
    if (limits.max_usd_per_run != null)
      caps.push({ maxUsd: limits.max_usd_per_run, period: 'run', ...scope });
    if (limits.max_usd_per_day != null)
      caps.push({ maxUsd: limits.max_usd_per_day, period: 'day', ...scope });
  };
  if (section) add(section);
  for (const [model, limits] of Object.entries(section?.models ?? {})) add(limits, model);
  return Object.freeze({
    caps: Object.freeze(caps),
    timeZone: section?.time_zone ?? 'UTC',
    allowUnpriced: section?.allow_unpriced ?? false,
  });
}
