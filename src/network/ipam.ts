import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, FailedPrecondition, InvalidArgument } from '../core/errors.js';
import type { AddressAllocator } from '../core/network.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { KeyedMutex } from '../util/mutex.js';
import { contains, hostRange, intToIp, ipToInt, parseCidr } from '../core/ipv4.js';

interface NetworkPool {
  /** address → owner (container id). */
  allocated: Record<string, string>;
  /** The last address handed out: the next search starts after it, so a freed address is not reused at once. */
  last?: string;
}

/**
 * IPAM persisted in `<root>/ipam.json`, written atomically before an address is
 * returned: after a crash the file still lists every address a container may be
 * using, so none is handed out twice (start-up then releases those of containers
 * that are gone).
 */
export class FileIpam implements AddressAllocator {
  readonly #file: string;
  #pools: Record<string, NetworkPool> = {};
  readonly #lock = new KeyedMutex();

  private constructor(root: string) {
    this.#file = join(root, 'ipam.json');
  }

  static async open(root: string): Promise<FileIpam> {
    const ipam = new FileIpam(root);
    try {
      ipam.#pools = JSON.parse(await readFile(ipam.#file, 'utf8')) as Record<string, NetworkPool>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return ipam;
  }

  async #save(): Promise<void> {
    await writeJsonAtomic(this.#file, this.#pools);
  }

  allocated(networkId: string): ReadonlyMap<string, string> {
    return new Map(Object.entries(this.#pools[networkId]?.allocated ?? {}));
  }

  allocate(networkId: string, subnet: string, gateway: string, owner: string, requested?: string): Promise<string> {
    return this.#lock.run('ipam', async () => {
      const cidr = parseCidr(subnet);
      const pool = (this.#pools[networkId] ??= { allocated: {} });
      if (requested) {
        if (!contains(cidr, requested)) throw new InvalidArgument(`no configured subnet or ip-range contain the IP address ${requested}`);
        if (requested === gateway || pool.allocated[requested] !== undefined) throw new Conflict(`Address already in use`);
        pool.allocated[requested] = owner;
        await this.#save();
        return requested;
      }
      const [first, last] = hostRange(cidr);
      const size = last - first + 1;
      const start = pool.last && contains(cidr, pool.last) ? ipToInt(pool.last) + 1 : first;
      for (let i = 0; i < size; i++) {
        const n = first + ((start - first + i) % size);
        const ip = intToIp(n);
        if (ip === gateway || pool.allocated[ip] !== undefined) continue;
        pool.allocated[ip] = owner;
        pool.last = ip;
        await this.#save();
        return ip;
      }
      throw new FailedPrecondition(`no available IPv4 addresses on this network's address pools: (${subnet})`);
    });
  }

  release(networkId: string, address: string): Promise<void> {
    return this.#lock.run('ipam', async () => {
      const pool = this.#pools[networkId];
      if (!pool || pool.allocated[address] === undefined) return;
      delete pool.allocated[address];
      await this.#save();
    });
  }

  retain(keep: (networkId: string, address: string, owner: string) => boolean): Promise<number> {
    return this.#lock.run('ipam', async () => {
      let dropped = 0;
      for (const [net, pool] of Object.entries(this.#pools)) {
        for (const [ip, owner] of Object.entries(pool.allocated)) {
          if (keep(net, ip, owner)) continue;
          delete pool.allocated[ip];
          dropped++;
        }
      }
      if (dropped) await this.#save();
      return dropped;
    });
  }

  dropNetwork(networkId: string): Promise<void> {
    return this.#lock.run('ipam', async () => {
      if (!(networkId in this.#pools)) return;
      delete this.#pools[networkId];
      await this.#save();
    });
  }
}
