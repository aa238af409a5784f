// node --import tests/e2e/epcis_hash_register.mjs: the hooks of
// epcis_hash_hooks.mjs, for epcis_hash.mjs.
import { register } from 'node:module';

register('./epcis_hash_hooks.mjs', import.meta.url);
