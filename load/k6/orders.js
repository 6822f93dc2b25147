// k6 load script for a deployed stage (k6 cannot run on the machine this project is built on; it is
// kept small and has not been run). Usage:
//   k6 run -e API_URL=$(jq -r '."OrdersPipeline-dev".ApiUrl' outputs.json) load/k6/orders.js
//   k6 run -e API_URL=... -e TOKEN=<JWT> -e BATCH=25 load/k6/orders.js      # JWT stage, batch intake
// Stages with IAM auth need SigV4-signed requests: use `npm run load -- --stage <name>`, which signs them (this script does not).
// k6 reports request latency and status; it cannot check that orders were stored: `npm run load` does, locally or with --stage.
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';

export const options = {
  scenarios: {
    orders: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 50),
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: 50,
    },
  },
  thresholds: { http_req_failed: ['rate<0.01'], http_req_duration: ['p(99)<1000'] },
};

const BATCH = Number(__ENV.BATCH || 1);
const RUN = `k6-${Date.now().toString(36)}`;
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY'];

const order = (index) => ({
  orderId: `${RUN}-${index}`,
  customerId: `cust-${Math.floor(Math.random() * 5000)}`,
  currency: CURRENCIES[index % CURRENCIES.length],
  items: Array.from({ length: 1 + Math.floor(Math.random() * 5) }, (_, line) => ({
    sku: `SKU-${Math.floor(Math.random() * 10000)}-${line}`,
    quantity: 1 + Math.floor(Math.random() * 10),
    unitPrice: Math.floor(Math.random() * 50000),
  })),
});

export default function () {
  const first = exec.scenario.iterationInTest * BATCH;
  const orders = Array.from({ length: BATCH }, (_, i) => order(first + i));
  const headers = { 'content-type': 'application/json', 'idempotency-key': `${RUN}-${first}` };
  if (__ENV.TOKEN) headers.authorization = `Bearer ${__ENV.TOKEN}`;
  const response =
    BATCH > 1
      ? http.post(`${__ENV.API_URL}/orders/batch`, JSON.stringify({ orders }), { headers })
      : http.post(`${__ENV.API_URL}/orders`, JSON.stringify(orders[0]), { headers });
  check(response, { 'accepted (202)': (r) => r.status === 202 });
}
