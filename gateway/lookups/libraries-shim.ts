// TEMPORARY type-only stand-in for catalog/libraries.ts of branch `libraries`; deleted at merge.
import type { Db } from '../../core/db';
import type { DataType } from '../../core/registry';
export interface LibraryColumn { field: string; column: string; name: string; data_type: DataType; length?: number; sensitive: boolean; hidden: boolean }
export interface ResourceLibrary { resourceCode: string; table: string; key: string[]; unique: string[]; columns: LibraryColumn[] }
export declare function libraryOfResource(db: Db, resourceCode: string): Promise<ResourceLibrary | null>;
export declare function isConnected(db: Db, resourceCode: string): Promise<boolean>;
export declare function notConnected(detail?: string): Error;
