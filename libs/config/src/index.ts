export { ConfigError, EnvReader } from './env-reader.js';
