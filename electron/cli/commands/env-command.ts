import type { RegisterCommand } from '../command-action';
export const registerEnvCommand: RegisterCommand = () => {};
