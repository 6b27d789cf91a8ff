import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '@intersoc/core';
import { openDatabase } from '@intersoc/storage';
import { Inventory } from '../inventory/inventory.js';
import { personalNameForms, sharingValues } from './known-values.js';
import { SqlitePrivacyStore } from './store.js';

describe('personal names the node knows', () => {
  it('writes a name as prose does, and leaves accounts and single words alone', () => {
    expect(personalNameForms(' Anna  Nowak ')).toEqual(['Anna Nowak', 'Nowak, Anna']);
    expect(personalNameForms('Jean-Luc de Vries')).toEqual(['Jean-Luc de Vries', 'Vries, Jean-Luc de']);
    expect(personalNameForms('mkowalski')).toEqual(['mkowalski']);
    expect(personalNameForms('Team 42')).toEqual(['Team 42']);
  });

  it('knows the owners in the asset inventory and full names shown in triage, per tenant', () => {
    const db = openDatabase(':memory:');
    db.exec(
      'CREATE TABLE assets (tenant TEXT, kind TEXT, name TEXT, criticality TEXT, source TEXT, updated INTEGER, doc TEXT)',
    );
    const put = db.prepare('INSERT INTO assets (tenant, kind, name, doc) VALUES (?, ?, ?, ?)');
    put.run('default', 'user', 'mkowalski', JSON.stringify({ aliases: [], owner: 'Marek Kowalski' }));
    put.run('default', 'host', 'lt-0042', JSON.stringify({ role: 'workstation', owner: 'Anna Nowak', ips: [] }));
    put.run('acme', 'user', 'bob', JSON.stringify({ owner: 'Bob Other' }));
    const store = new SqlitePrivacyStore(db);
    store.remember('default', [{ pseudonym: 'user-00000001', kind: 'user', value: 'Zofia Wrona' }]);
    const inventory = Inventory.of(ConfigSchema.parse({}), 'default');
    const known = sharingValues(db, inventory, 'default').known.map((k) => `${k.kind}:${k.value}`);
    expect(known).toEqual(
      expect.arrayContaining([
        'username:mkowalski',
        'username:Marek Kowalski',
        'username:Kowalski, Marek',
        'hostname:lt-0042',
        'username:Anna Nowak',
        'username:Nowak, Anna',
        'username:Zofia Wrona',
        'username:Wrona, Zofia',
      ]),
    );
    expect(known.join()).not.toContain('Bob Other');
    db.close();
  });
});
