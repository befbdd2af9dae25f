// Registering a customer through the API: what the customer route tests start from.
import type { ApiTest } from './apiHarness';

/** `register` for a test file whose API `currentApi` answers once its beforeAll has run. */
export function customerRegistration(currentApi: () => ApiTest) {
  return async function register(customerId: string, name = 'Ada Lovelace') {
    const response = await currentApi().request({
      method: 'POST',
      url: '/customers',
      payload: { customerId, name, email: `${customerId}@example.com` },
    });
    expect(response.statusCode).toBe(201);
    return response;
  };
}
