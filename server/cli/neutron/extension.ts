/** `neutron ext-*` */
import { getExtension, listExtensions } from '../../sim/api/neutron/extension.js';
import { dictTable, s, show, type Handler } from './common.js';

export const extensionCommands: Record<string, Handler> = {
  'ext-list': (c, a) => dictTable(a, ['alias', 'name'], listExtensions()),
  'ext-show': (c, a) => show(a, getExtension(s(a, 'id') ?? '')),
};
