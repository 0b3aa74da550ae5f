import { asArray, asObject, asString, type VimObject } from './vim-types';

/**
 * A fault returned by vCenter/ESXi (SOAP fault or a failed task), with the
 * vim25 fault type kept for callers and a message a person can act on.
 */
export class VimFault extends Error {
  constructor(
    /** vim25 fault type, e.g. `InvalidLogin`, `NotAuthenticated`, `NoPermission`. */
    readonly faultType: string,
    /** The server's own text (faultstring or localizedMessage). */
    readonly serverMessage: string,
    readonly detail: VimObject | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'VimFault';
  }

  is(...types: string[]): boolean {
    return types.includes(this.faultType);
  }
}

/** Context that makes a readable fault message specific. */
export interface FaultContext {
  /** Server name (host of the URL). */
  server?: string;
  /** SOAP method or task description. */
  operation?: string;
}

/** Turns a vim25 fault into a sentence that says what was wrong and what to do. */
export function readableFaultMessage(faultType: string, serverMessage: string, detail: VimObject | undefined, ctx: FaultContext): string {
  const server = ctx.server ?? 'the server';
  const text = serverMessage.trim();
  const op = ctx.operation ? `${ctx.operation}: ` : '';
  switch (faultType) {
    case 'InvalidLogin':
      return `wrong user name or password for ${server}. Check the account (for example administrator@vsphere.local) and its password.`;
    case 'NotAuthenticated':
      return `${op}the session with ${server} is not logged in or has expired; log in again.`;
    case 'NoPermission': {
      const priv = asString(detail?.privilegeId);
      return `${op}the user on ${server} lacks a required privilege${priv ? ` (${priv})` : ''}. Ask the vSphere administrator to grant it.`;
    }
    case 'RestrictedVersion':
      return `${op}${server} runs with a license that does not allow this API call (free ESXi hypervisor license). Use a licensed host or vCenter.`;
    case 'ManagedObjectNotFound':
      return `${op}the object no longer exists on ${server} (it was removed or the inventory changed). Refresh the inventory.`;
    case 'InvalidPowerState':
      return `${op}the virtual machine is in the wrong power state for this operation${text ? ` (${text})` : ''}.`;
    case 'DuplicateName':
      return `${op}an object with that name already exists in the target folder on ${server}. Choose another name.`;
    case 'FileNotFound':
      return `${op}a file was not found on the datastore${text ? ` (${text})` : ''}.`;
    case 'FileAlreadyExists':
      return `${op}a file already exists on the datastore${text ? ` (${text})` : ''}; choose another VM name or folder.`;
    case 'InsufficientResourcesFault':
    case 'OutOfBounds':
      return `${op}not enough resources on the target${text ? ` (${text})` : ''}.`;
    case 'TaskInProgress':
      return `${op}another task is running on this object; wait for it to finish and retry.`;
    case 'InvalidArgument': {
      const prop = asString(detail?.invalidProperty);
      return `${op}the server rejected an argument${prop ? ` (${prop})` : ''}${text ? `: ${text}` : ''}.`;
    }
    case 'NotSupported':
      return `${op}the operation is not supported by ${server}${text ? `: ${text}` : ''}.`;
    case 'RequestCanceled':
      return `${op}the task was cancelled.`;
    default:
      return `${op}${text || faultType} (${faultType})`;
  }
}

/** Builds a VimFault from a LocalizedMethodFault (task error) or a SOAP fault detail object. */
export function faultFromMethodFault(methodFault: VimObject | undefined, ctx: FaultContext): VimFault {
  const fault = asObject(methodFault?.fault) ?? methodFault;
  const type = fault?.$type ?? 'SystemError';
  const serverMessage = asString(methodFault?.localizedMessage) ?? firstFaultMessage(fault) ?? '';
  return new VimFault(type, serverMessage, fault, readableFaultMessage(type, serverMessage, fault, ctx));
}

function firstFaultMessage(fault: VimObject | undefined): string | undefined {
  for (const m of asArray(fault?.faultMessage as VimObject | VimObject[] | undefined)) {
    const text = asString(asObject(m)?.message);
    if (text) return text;
  }
  return undefined;
}
