import type { Command } from 'commander';
import type { EnvironmentFacts } from '../../api/schemas/environment-schema';
import { lifeboatHome } from '../../config/paths';
import { environmentFactsFor } from '../../environment/environment-facts';
import { OsKeychain } from '../../keychain/os-keychain';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';
import { printResult } from '../cli-output';

function yesNo(value: boolean | null): string {
  return value === null ? 'unknown' : value ? 'yes' : 'no';
}

export function formatEnvironment(f: EnvironmentFacts): string {
  const ws = f.workstation;
  const lines = [
    `Lifeboat ${f.app.version} (${f.app.frontDoor}, Node ${f.app.node}${f.app.electron ? `, Electron ${f.app.electron}` : ''})`,
    `OS:               ${f.os.platform} ${f.os.release} ${f.os.arch} — ${f.os.description}`,
    `Virtual machine:  ${yesNo(ws.isVirtualMachine)}${ws.hypervisor ? ` (${ws.hypervisor})` : ''}`,
    `                  vendor ${ws.vendor ?? '?'}, product ${ws.product ?? '?'}; from ${ws.evidence}`,
    `                  ${ws.isVirtualMachine ? 'HotAdd is possible, SAN is not (XPORT-SAN-NEEDS-PHYSICAL).' : ws.isVirtualMachine === false ? 'SAN is possible, HotAdd is not (XPORT-HOTADD-NEEDS-VM).' : ''}`,
    `VDDK:             ${f.vddk.found ? `found, major version ${f.vddk.majorVersion ?? '?'}` : 'not found'}`,
    `                  ${f.vddk.message}`,
    `Keychain:         ${f.keychain.available ? 'available' : 'NOT available'} (${f.keychain.backend})`,
    `                  ${f.keychain.message}`,
  ];
  return lines.filter((l) => l.trim() !== '').join('\n');
}

/** `lifeboat env`: what the engine detects about this workstation (the About page's facts). */
export const registerEnvCommand: RegisterCommand = (program, ctx) => {
  program
    .command('env')
    .description('show what Lifeboat detects about this workstation: OS, physical or VM, VDDK, keychain')
    .action(
      commandAction(ctx, async (_opts: object, command: Command) => {
        const { json } = globalOptions(command);
        const home = lifeboatHome();
        const facts = await environmentFactsFor(home, 'cli', new OsKeychain());
        printResult(ctx.io, json, facts, formatEnvironment);
      }),
    );
};
