/**
 * The settings a refusal may name, each with its spelling in the library's
 * options (the object the caller passed). A surface with settings of its own,
 * the server's environment variables, passes the names its users know instead;
 * the library never knows them.
 */
export const SETTINGS = {
  maxInputPixels: 'limits.maxInputPixels',
  maxOverlayPixels: 'limits.maxOverlayPixels',
  maxOutputPixels: 'limits.maxOutputPixels',
  fetchTimeoutMs: 'timeoutMs',
  fetchMaxBytes: 'maxBytes',
  renderQueueLimit: 'queueLimit',
  jobQueueLimit: 'queueLimit',
  maxResultBytes: 'maxResultBytes',
  upstreamTimeoutMs: 'timeoutMs',
  upstreamApiKey: 'apiKey',
  maxBodyBytes: 'bodyLimit',
  redisWaitMs: 'redis.waitMs',
  maxStoredOutputBytes: 'maxStoredOutputBytes',
  renderTimeoutMs: 'timeoutMs',
  memoryBudgetMb: 'memoryBudgetBytes',
  svgInput: 'svg',
  upstreamMaxBytes: 'maxResponseBytes',
  bodiesInFlight: 'bodies.maxInFlight',
  bodyBytesInFlight: 'bodies.maxBytesInFlight',
  bodyIdleTimeoutMs: 'bodies.idleTimeoutMs',
  bodyMinBytesPerSecond: 'bodies.minBytesPerSecond',
} as const;

export type Setting = keyof typeof SETTINGS;

/** How messages name settings; a setting left out is named as the library spells it. */
export type SettingNames = Readonly<Partial<Record<Setting, string>>>;

export const settingName = (names: SettingNames | undefined, setting: Setting): string => names?.[setting] ?? SETTINGS[setting];
