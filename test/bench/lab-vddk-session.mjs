// The lab VDDK as the VDDK benches drive it directly (no lab, no engine job): a session whose one datastore,
// ds1, is a folder of the bench's, and connections to the lab's pretend vCenter with the transports asked for.
import { root } from './bench-bundle.mjs';

/** A session of the VDDK `layer` (loadVddkSource) on the lab VDDK: datastore ds1 is `datastore`, temporary files in `work`. */
export function startLabVddkSession(layer, work, datastore) {
  return layer.VddkSession.start({
    vddkDir: layer.labVddkDir(root),
    tmpRoot: work,
    extraConfig: layer.labVddkConfigKeys({ datastores: { ds1: datastore } }),
  });
}

/** A remote connection of `session` that asks for `transports` (the lab VDDK accepts the bench's made-up credentials). */
export function connectLab(session, transports) {
  return session.connect({ server: 'bench.lab', userName: 'bench', password: 'bench', transports });
}
