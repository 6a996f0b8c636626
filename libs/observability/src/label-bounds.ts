import {
  AUTH_FAILURE_CONTEXTS,
  AUTH_FAILURE_REASONS,
  HTTP_METHODS,
  HTTP_STATUSES,
  OTHER,
  REJECTION_REASONS,
  topicFamily,
  topicSuffix,
} from './metric-labels.const.js';

export interface LabelBoundsOptions {
  /**
   * Most values one dynamic allow-list (types, agencies, subscriptions, routes, consumer groups)
   * takes; later additions are counted as `other`. A guard against a runaway registry, not a
   * limit a real deployment should reach. Default 2000.
   */
  maxValuesPerList?: number;
}

/** Sizes of the allow-lists, for bounding the number of series. */
export interface LabelBoundsSizes {
  types: number;
  agencies: number;
  subscriptions: number;
  routes: number;
  groups: number;
}

/**
 * A live allow-list kept elsewhere (e.g. the registry's types): asked at each observation, so
 * the application need not copy every change into the bounds.
 */
export interface LabelSource {
  has(value: string): boolean;
  /** How many values it holds; used only to bound the number of series. */
  size(): number;
}

/** One dynamic allow-list: values added here, with a cap, plus optional live sources. */
class AllowList {
  private readonly values = new Set<string>();
  private readonly sources: LabelSource[] = [];

  constructor(private readonly max: number) {}

  addSource(source: LabelSource): void {
    this.sources.push(source);
  }

  add(values: Iterable<string>): void {
    for (const value of values) {
      if (this.values.size >= this.max) return;
      if (value !== OTHER) this.values.add(value);
    }
  }

  bound(value: string | undefined): string {
    if (value === undefined || value === OTHER) return OTHER;
    return this.values.has(value) || this.sources.some((s) => s.has(value)) ? value : OTHER;
  }

  get size(): number {
    return this.sources.reduce((n, s) => n + s.size(), this.values.size);
  }
}

/**
 * The only source of metric label values. Every label is either from a fixed list (reason
 * codes, methods, statuses, topic families) or from an allow-list the application fills with
 * what it has registered (types, agencies, subscriptions, route patterns, consumer groups);
 * any other value becomes `other`, so a caller sending random types or agency ids cannot grow
 * the number of series.
 */
export class LabelBounds {
  private readonly types: AllowList;
  private readonly agencies: AllowList;
  private readonly subscriptions: AllowList;
  private readonly routes: AllowList;
  private readonly groups: AllowList;
  private readonly rejectionReasons = new Set<string>(REJECTION_REASONS);
  private readonly authReasons = new Set<string>(AUTH_FAILURE_REASONS);
  private readonly authContexts = new Set<string>(AUTH_FAILURE_CONTEXTS);
  private readonly methods = new Set<string>(HTTP_METHODS);
  private readonly statuses = new Set<number>(HTTP_STATUSES);

  constructor(options: LabelBoundsOptions = {}) {
    const max = options.maxValuesPerList ?? 2000;
    this.types = new AllowList(max);
    this.agencies = new AllowList(max);
    this.subscriptions = new AllowList(max);
    this.routes = new AllowList(max);
    this.groups = new AllowList(max);
  }

  /** Adds registered message types to the `type` allow-list. */
  allowTypes(types: Iterable<string>): void {
    this.types.add(types);
  }

  /** Allows every type `source` holds, as it changes (the registry's types). */
  typesFrom(source: LabelSource): void {
    this.types.addSource(source);
  }

  /** Allows every agency `source` holds, as it changes (the registry's agencies). */
  agenciesFrom(source: LabelSource): void {
    this.agencies.addSource(source);
  }

  /** Allows every subscription `source` holds, as it changes. */
  subscriptionsFrom(source: LabelSource): void {
    this.subscriptions.addSource(source);
  }

  /** Adds known agency codes to the `agency` allow-list. */
  allowAgencies(agencies: Iterable<string>): void {
    this.agencies.add(agencies);
  }

  /** Adds subscription ids to the `subscription` allow-list. */
  allowSubscriptions(subscriptions: Iterable<string>): void {
    this.subscriptions.add(subscriptions);
  }

  /** Adds route patterns (as registered with the router, e.g. `/v1/messages/:type`). */
  allowRoutes(patterns: Iterable<string>): void {
    this.routes.add(patterns);
  }

  /** Adds consumer groups whose lag is reported. */
  allowGroups(groups: Iterable<string>): void {
    this.groups.add(groups);
  }

  type(value: string | undefined): string {
    return this.types.bound(value);
  }

  agency(value: string | undefined): string {
    return this.agencies.bound(value);
  }

  subscription(value: string | undefined): string {
    return this.subscriptions.bound(value);
  }

  /** A route pattern; never pass a raw URL (an unmatched request has no pattern: `other`). */
  route(pattern: string | undefined): string {
    return this.routes.bound(pattern);
  }

  group(value: string | undefined): string {
    return this.groups.bound(value);
  }

  method(value: string | undefined): string {
    const upper = value?.toUpperCase();
    return upper !== undefined && this.methods.has(upper) ? upper : OTHER;
  }

  status(code: number): string {
    return this.statuses.has(code) ? String(code) : OTHER;
  }

  /** A problem code from the catalogue (`@lienthong/contracts`). */
  rejectionReason(value: string | undefined): string {
    return value !== undefined && this.rejectionReasons.has(value) ? value : OTHER;
  }

  /** A trust reason (`TRUST_REASONS` of `@lienthong/trust`). */
  authReason(value: string | undefined): string {
    return value !== undefined && this.authReasons.has(value) ? value : OTHER;
  }

  /** A trust context (`TRUST_CONTEXTS` of `@lienthong/trust`). */
  authContext(value: string | undefined): string {
    return value !== undefined && this.authContexts.has(value) ? value : OTHER;
  }

  /**
   * A topic name, kept only when what it is named after is allowed: a record topic of a
   * registered type, an inbox of a known agency, or one of the fixed topics.
   */
  topic(topic: string): string {
    const family = topicFamily(topic);
    switch (family) {
      case 'records':
        return this.types.bound(topicSuffix(topic)) === OTHER ? OTHER : topic;
      case 'inbox':
        return this.agencies.bound(topicSuffix(topic)) === OTHER ? OTHER : topic;
      case 'retry':
        return /^[0-9]{1,2}$/.test(topicSuffix(topic) ?? '') ? topic : OTHER;
      case 'registry':
      case 'dlq':
      case 'audit':
        return topic;
      case OTHER:
        return OTHER;
    }
  }

  sizes(): LabelBoundsSizes {
    return {
      types: this.types.size,
      agencies: this.agencies.size,
      subscriptions: this.subscriptions.size,
      routes: this.routes.size,
      groups: this.groups.size,
    };
  }
}
