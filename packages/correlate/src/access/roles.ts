/**
 * @module
 * Who may do what with incidents, cases and assets: viewers read, analysts work, admins
 * configure. Partners (peer SOCs) see nothing here; what they may see travels through sharing.
 */
import type { Role } from '@intersoc/core';

/** Roles that may read incidents, cases and the inventory. */
export const READ_ROLES: readonly Role[] = ['admin', 'analyst', 'viewer'];

/** Roles that may work incidents and cases. */
export const WORK_ROLES: readonly Role[] = ['admin', 'analyst'];

/** Roles that may configure (inventory, templates, suppressions). */
export const CONFIG_ROLES: readonly Role[] = ['admin'];
