import type { RegisterCommand } from '../command-action';
export const registerServeCommand: RegisterCommand = () => {};
