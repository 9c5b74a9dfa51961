// A registry client as another team would write it in Node.js, from the proto bundle alone
// (`make protos` writes it to build/proto-bundle): over gRPC with @grpc/grpc-js and
// @grpc/proto-loader, and over Connect and gRPC-Web with @connectrpc/connect, whose messages
// come from the bundle's descriptor set. The same scenario runs on every transport: create,
// update with etags, a stale etag and another city refused, field violations decoded, pages,
// a watch, and the plan's progress from the risk service.
//
// Settings (environment): URBAN_BUNDLE (the bundle's directory), URBAN_REGISTRY_TARGET and
// URBAN_RISK_TARGET (gRPC host:port), URBAN_REGISTRY_HTTP and URBAN_RISK_HTTP (base URLs),
// URBAN_TOKEN (writes Hangzhou, reads everything), URBAN_OTHER_CITY_TOKEN (writes Ningbo only).
// Prints one line per step; exits non-zero at the first step that does not hold.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { createFileRegistry, fromBinary, fromJson, toJson } from "@bufbuild/protobuf";
import { anyUnpack, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const BUNDLE = env("URBAN_BUNDLE");
const TOKEN = env("URBAN_TOKEN");
const OTHER_CITY_TOKEN = env("URBAN_OTHER_CITY_TOKEN");
const REGISTRY = "urban.registry.v1.RegistryService";
const RISK = "urban.risk.v1.RiskService";
const CODES = { INVALID_ARGUMENT: 3, PERMISSION_DENIED: 7, ABORTED: 10 };

const registry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, readFileSync(join(BUNDLE, "urban.binpb"))),
);
const message = (name) => registry.getMessage(name);
const JSON_OPTIONS = { registry, alwaysEmitImplicit: true };

/** A refusal as the scenario reads it, whatever the transport: code, reason, violations. */
class Refusal extends Error {
  constructor(code, message, details) {
    super(message);
    this.code = code;
    const info = details.find((d) => d.$typeName === "google.rpc.ErrorInfo");
    const badRequest = details.find((d) => d.$typeName === "google.rpc.BadRequest");
    this.reason = info?.reason;
    this.violations = Object.fromEntries(
      (badRequest?.fieldViolations ?? []).map((v) => [v.field, v.description]),
    );
  }
}

// ---- gRPC: grpc-js with proto-loader over the bundle's .proto files -------------------------

function grpcTransport() {
  const definition = protoLoader.loadSync(
    ["urban/registry/v1/registry_service.proto", "urban/risk/v1/risk_service.proto"],
    { includeDirs: [BUNDLE], longs: String, enums: String, defaults: true, oneofs: true },
  );
  const loaded = grpc.loadPackageDefinition(definition);
  const credentials = grpc.credentials.createInsecure();
  const stubs = {
    [REGISTRY]: new loaded.urban.registry.v1.RegistryService(env("URBAN_REGISTRY_TARGET"), credentials),
    [RISK]: new loaded.urban.risk.v1.RiskService(env("URBAN_RISK_TARGET"), credentials),
  };
  const metadata = (token) => {
    const meta = new grpc.Metadata();
    meta.set("authorization", `Bearer ${token}`);
    return meta;
  };
  const refusal = (error) => {
    const [details] = error.metadata?.get("grpc-status-details-bin") ?? [];
    const status = details ? fromBinary(message("google.rpc.Status"), details) : { details: [] };
    return new Refusal(error.code, error.details, status.details.map((a) => anyUnpack(a, registry)));
  };
  // proto-loader's objects are proto3 JSON's but for a field mask, an object of paths.
  const toProto = (json) =>
    typeof json.updateMask === "string"
      ? { ...json, updateMask: { paths: json.updateMask.split(",") } }
      : json;
  return {
    name: "grpc",
    call: (service, method, json, token = TOKEN) =>
      new Promise((resolve, reject) => {
        stubs[service][method](toProto(json), metadata(token), (error, answer) =>
          error ? reject(refusal(error)) : resolve(answer),
        );
      }),
    watch: (json, until, token = TOKEN) =>
      new Promise((resolve, reject) => {
        const seen = [];
        const call = stubs[REGISTRY].WatchChanges(toProto(json), metadata(token));
        call.on("data", (change) => {
          seen.push(change);
          if (until(seen)) {
            call.cancel();
            resolve(seen);
          }
        });
        call.on("error", (error) => {
          if (error.code !== grpc.status.CANCELLED) reject(refusal(error));
        });
      }),
    close: () => Object.values(stubs).forEach((stub) => stub.close()),
  };
}

// ---- Connect and gRPC-Web: @connectrpc/connect with the descriptor set --------------------

function connectTransport(name, makeTransport) {
  const transports = {
    [REGISTRY]: makeTransport(env("URBAN_REGISTRY_HTTP")),
    [RISK]: makeTransport(env("URBAN_RISK_HTTP")),
  };
  const client = (service) => createClient(registry.getService(service), transports[service]);
  const headers = (token) => ({ authorization: `Bearer ${token}` });
  const methodOf = (service, method) =>
    registry.getService(service).methods.find((m) => m.name === method);
  const refusal = (error) => {
    const connectError = ConnectError.from(error);
    const details = ["google.rpc.ErrorInfo", "google.rpc.BadRequest"].flatMap((type) =>
      connectError.findDetails(message(type)),
    );
    return new Refusal(connectError.code, connectError.rawMessage, details);
  };
  const lower = (method) => method[0].toLowerCase() + method.slice(1);
  return {
    name,
    call: async (service, method, json, token = TOKEN) => {
      const rpc = methodOf(service, method);
      try {
        const answer = await client(service)[lower(method)](fromJson(rpc.input, json, JSON_OPTIONS), {
          headers: headers(token),
        });
        return toJson(rpc.output, answer, JSON_OPTIONS);
      } catch (error) {
        throw refusal(error);
      }
    },
    watch: async (json, until, token = TOKEN) => {
      const rpc = methodOf(REGISTRY, "WatchChanges");
      const abort = new AbortController();
      const seen = [];
      try {
        const stream = client(REGISTRY).watchChanges(fromJson(rpc.input, json, JSON_OPTIONS), {
          headers: headers(token),
          signal: abort.signal,
        });
        for await (const change of stream) {
          seen.push(toJson(rpc.output, change, JSON_OPTIONS));
          if (until(seen)) break;
        }
      } catch (error) {
        throw refusal(error);
      } finally {
        abort.abort();
      }
      return seen;
    },
    close: () => {},
  };
}

// ---- The scenario ---------------------------------------------------------------------------

const pipe = (displayName) => ({
  displayName,
  pipeSegment: {
    network: "PIPE_NETWORK_GAS",
    material: "PIPE_MATERIAL_DUCTILE_IRON",
    diameterMm: 300,
    lengthM: 250.5,
    commissionedYear: 1998,
    status: "PIPE_STATUS_IN_SERVICE",
  },
});

async function refused(promise, code) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    assert.equal(error.code, code, `expected code ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a refusal with code ${code}`);
}

async function scenario(t) {
  const step = (text) => console.log(`${t.name}: ${text}`);
  const id = (n) => `node-${t.name}-${n}`;
  const name = (n) => `cities/330100/assets/${id(n)}`;

  const created = await t.call(REGISTRY, "CreateAsset", {
    parent: "cities/330100", assetId: id(1), asset: pipe("Node main"),
  });
  assert.equal(created.name, name(1));
  assert.match(created.etag, /^".+"$/);
  assert.equal(typeof created.version, "string"); // int64 in proto3 JSON
  step(`created ${created.name} with etag ${created.etag}`);

  const patch = { name: name(1), displayName: "Node main, renamed", etag: created.etag };
  const updated = await t.call(REGISTRY, "UpdateAsset", { asset: patch, updateMask: "displayName" });
  assert.equal(updated.displayName, "Node main, renamed");
  assert.notEqual(updated.etag, created.etag);
  step(`updated with its etag: now ${updated.etag}`);

  const stale = await refused(
    t.call(REGISTRY, "UpdateAsset", { asset: patch, updateMask: "displayName" }), CODES.ABORTED,
  );
  assert.equal(stale.reason, "ETAG_MISMATCH");
  step("a stale etag is refused: ABORTED, ETAG_MISMATCH");

  const otherCity = await refused(
    t.call(REGISTRY, "UpdateAsset", { asset: { ...patch, etag: updated.etag }, updateMask: "displayName" },
      OTHER_CITY_TOKEN),
    CODES.PERMISSION_DENIED,
  );
  assert.equal(otherCity.reason, "PERMISSION_DENIED");
  step("another city's token is refused: PERMISSION_DENIED");

  const invalid = await refused(
    t.call(REGISTRY, "CreateAsset", {
      parent: "cities/330100", assetId: id(9),
      asset: { ...pipe("Bad"), pipeSegment: { ...pipe("").pipeSegment, lengthM: -1 } },
    }),
    CODES.INVALID_ARGUMENT,
  );
  assert.ok("asset.pipe_segment.length_m" in invalid.violations, JSON.stringify(invalid.violations));
  step(`field violations decoded: ${Object.keys(invalid.violations).join(", ")}`);

  for (const n of [2, 3, 4]) {
    await t.call(REGISTRY, "CreateAsset", { parent: "cities/330100", assetId: id(n), asset: pipe(`Node ${n}`) });
  }
  const names = [];
  let pageToken = "";
  let pages = 0;
  do {
    const page = await t.call(REGISTRY, "ListAssets", { parent: "cities/330100", pageSize: 2, pageToken });
    names.push(...page.assets.map((asset) => asset.name));
    pageToken = page.nextPageToken;
    pages += 1;
  } while (pageToken);
  assert.equal(new Set(names).size, names.length, "an asset appeared on two pages");
  for (const n of [1, 2, 3, 4]) assert.ok(names.includes(name(n)), `${name(n)} is on no page`);
  step(`paged ${names.length} assets in ${pages} pages of 2`);

  const changes = await t.watch(
    { startRevision: "1", parent: "cities/330100" },
    (seen) => seen.some((change) => change.assetName === name(4)),
  );
  const mine = changes.filter((change) => change.assetName === name(1)).map((change) => change.type);
  assert.deepEqual(mine, ["CHANGE_TYPE_CREATED", "CHANGE_TYPE_UPDATED"]);
  step(`watched ${changes.length} changes, up to the last asset created`);

  const progress = await t.call(RISK, "GetPlanProgress", {});
  assert.ok(progress.targets.length > 0, "no plan targets");
  step(`read the progress of ${progress.targets.length} plan targets`);
}

const transports = [
  grpcTransport(),
  connectTransport("connect", (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" })),
  connectTransport("grpcweb", (baseUrl) =>
    createGrpcWebTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: true })),
];
try {
  for (const transport of transports) await scenario(transport);
  console.log("all transports passed");
} finally {
  transports.forEach((transport) => transport.close());
}
