/**
 * The parts of ssh2 the engine uses, required one by one: ssh2's index also loads its SSH server,
 * key generator and HTTP(S) agents (with node:http, node:https and node:tls), which a diagnosis
 * never needs, on every command's start-up. Import ssh2's types from 'ssh2' as usual, its values
 * from here.
 */
import type * as ssh2 from 'ssh2';
import ClientModule from 'ssh2/lib/client.js';
import * as agentModule from 'ssh2/lib/agent.js';

export const Client: typeof ssh2.Client = ClientModule;
export type Client = ssh2.Client;
export const BaseAgent: typeof ssh2.BaseAgent = agentModule.BaseAgent;
export type BaseAgent<T extends string | Buffer | ssh2.ParsedKey = string | Buffer | ssh2.ParsedKey> = ssh2.BaseAgent<T>;
export const createAgent: typeof ssh2.createAgent = agentModule.createAgent;
