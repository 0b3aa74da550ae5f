/** A guest OS id's family, as the planner's rules need it (Windows signatures, default guests). */
export function guestFamilyOf(guestId: string): 'windows' | 'linux' | 'other' {
  if (/^win/i.test(guestId)) return 'windows';
  if (guestId && !/^other/i.test(guestId) && !/darwin|solaris|netware/i.test(guestId)) return 'linux';
  return 'other';
}

/** The guest OS a VM without saved ConfigInfo gets when its image did not say (the engine uses the same). */
export function defaultGuestId(family: 'windows' | 'linux' | 'other'): string {
  return family === 'windows' ? 'windows9Server64Guest' : family === 'linux' ? 'otherLinux64Guest' : 'otherGuest64';
}
