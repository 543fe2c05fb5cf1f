export * from './server';
export * from './backup';
export * from './job';
export * from './check';
export * from './settings';
export * from './sandbox';
