import { describe, expect, it } from 'vitest';
import {
  BIRTH_DATE_PRESETS,
  birthDateFor,
  DOCUMENTS,
  jstToday,
  type BirthDatePreset,
} from '../../sandbox/kyc-choices';
import {
  adminJson,
  answer,
  nowSeconds,
  passportInfo,
  registerMerchant,
  userKycInfo,
  type TestMerchant,
} from './support';
import { answerPhone, approvedUser, fetchKyc, newQr, readJwt, responseToken } from './qr-flow';

// What the person on the phone picks (birth date, document) reaches the KYC info
// the merchant fetches; the admin API makes such users too; bad picks are refused.

/** The birth date of `preset` today, read around `read` so a run across midnight JST holds. */
async function around<T>(preset: BirthDatePreset, read: () => Promise<T>, offset = 0) {
  const before = birthDateFor(preset, jstToday(nowSeconds() + offset));
  const value = await read();
  const after = birthDateFor(preset, jstToday(nowSeconds() + offset));
  return { value, expected: [before, after] };
}

/** The KYC info of the QR approved with these picks: the completed-QR fetch's data. */
async function pickedKyc(merchant: TestMerchant, form: Record<string, string>) {
  const qr = await newQr(merchant);
  const res = await answerPhone(qr.link, 'complete', form);
  expect(res.status).toBe(303);
  const { claims } = await readJwt(responseToken(res), merchant.apiSecret);
  const uaid = String(claims.userAuthorizationId);
  const env = await fetchKyc(merchant, qr, {
    codeVerifier: qr.verifier,
    userAuthorizationId: uaid,
  });
  expect(env.status).toBe(200);
  return { data: env.data!, uaid };
}

describe('the phone page pickers', () => {
  it("offers every birth date (with today's date) and every document", async () => {
    const merchant = await registerMerchant();
    const qr = await newQr(merchant);
    const { value: html, expected } = await around('18-today', async () =>
      (await fetch(qr.link)).text(),
    );
    expect(html).toContain('<select name="birthDate">');
    expect(html).toContain('<select name="document">');
    for (const preset of BIRTH_DATE_PRESETS)
      expect(html).toContain(`value="${preset}" data-birth-date="${preset}"`);
    // By age, youngest first, as the list names them.
    const positions = BIRTH_DATE_PRESETS.map((p) => html.indexOf(`data-birth-date="${p}"`));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const name of Object.keys(DOCUMENTS))
      expect(html).toContain(`value="${name}" data-document="${name}"`);
    expect(expected.some((date) => html.includes(`: ${date} / 18th birthday today`))).toBe(true);
  });

  it.each(BIRTH_DATE_PRESETS.filter((p) => p !== 'none'))(
    'birthDate=%s reaches the KYC info, counted from today in Japan',
    async (preset) => {
      const merchant = await registerMerchant();
      const { value, expected } = await around(preset, () =>
        pickedKyc(merchant, { birthDate: preset }),
      );
      expect(expected).toContain(value.data.dateOfBirth);
    },
  );

  it('birthDate=none leaves the birth date out of every KYC read', async () => {
    const merchant = await registerMerchant();
    const { data, uaid } = await pickedKyc(merchant, { birthDate: 'none' });
    expect(data).not.toHaveProperty('dateOfBirth');
    expect(data.name).toEqual(expect.objectContaining({ lastName: expect.any(String) }));
    expect((await passportInfo(merchant, uaid)).data).not.toHaveProperty('dateOfBirth');
  });

  it.each(Object.keys(DOCUMENTS).filter((d) => d !== 'COUNTER'))(
    'document=%s is the eKYC document of an EKYC user',
    async (document) => {
      const merchant = await registerMerchant();
      const { data } = await pickedKyc(merchant, { document });
      expect(data).toMatchObject({ kycType: 'EKYC', eKycDocument: { type: document } });
    },
  );

  it('document=COUNTER: kycType COUNTER, no eKycDocument, and not an eKYC user', async () => {
    const merchant = await registerMerchant();
    const { uaid } = await approvedUser(
      merchant,
      'complete',
      { scopes: ['kyc_passport_qr', 'mini_app_kyc_passport', 'get_kyc_info'] },
      { document: 'COUNTER' },
    );
    const info = await passportInfo(merchant, uaid);
    expect(info.data?.kycType).toBe('COUNTER');
    expect(info.data).not.toHaveProperty('eKycDocument');
    const ekyc = await userKycInfo(merchant, `?userAuthorizationId=${uaid}&requiredKycType=EKYC`);
    expect(ekyc.code).toBe('NON_EKYC_USER');
  });

  it('both picks together, and the NON_EKYC box keeps the document', async () => {
    const merchant = await registerMerchant();
    const { value, expected } = await around('20-tomorrow', () =>
      pickedKyc(merchant, {
        birthDate: '20-tomorrow',
        document: 'DRIVERS_LICENSE_IMAGE',
        kycType: 'NON_EKYC',
      }),
    );
    expect(value.data).toMatchObject({
      kycType: 'NON_EKYC',
      eKycDocument: { type: 'DRIVERS_LICENSE_IMAGE' },
    });
    expect(expected).toContain(value.data.dateOfBirth);
  });

  it("counts today on the merchant's clock", async () => {
    const merchant = await registerMerchant({ clockOffsetSeconds: 86_400 });
    const made = await adminJson<{ userAuthorizationId: string }>(merchant, 'POST', '/users', {
      birthDate: '18-today',
    });
    // The merchant's clock is a day ahead: so are its signatures, and its today.
    const { value, expected } = await around(
      '18-today',
      () =>
        answer(merchant, 'GET', '/v1/kyc/passport', {
          headers: { 'X-USER-AUTHORIZATION-ID': made.body.userAuthorizationId },
          epoch: nowSeconds() + 86_400,
        }),
      86_400,
    );
    expect(value.status).toBe(200);
    expect(expected).toContain(value.data?.dateOfBirth);
    expect(expected).not.toContain(birthDateFor('18-today', jstToday(nowSeconds())));
  });

  it.each([
    ['birthDate', 'age-16'],
    ['birthDate', '18-TODAY'],
    ['document', 'MY_NUMBER'],
    ['document', 'passport'],
  ])('refuses %s=%s with 400, and the QR stays open', async (field, value) => {
    const merchant = await registerMerchant();
    const qr = await newQr(merchant);
    const res = await answerPhone(qr.link, 'complete', { [field]: value });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`${field} must be one of`);
    const session = await adminJson(merchant, 'GET', `/sessions/${qr.codeId}`);
    expect(session.body.state).toBe('pending');
    expect((await answerPhone(qr.link, 'complete')).status).toBe(303);
  });

  it('without picks the KYC info is as before: a made-up yyyy-mm-dd birth date and document', async () => {
    const merchant = await registerMerchant();
    const { data } = await pickedKyc(merchant, {});
    expect(data.dateOfBirth).toMatch(/^(19[6-9]\d|200[0-4])-\d{2}-\d{2}$/);
    expect(['MY_NUMBER_CARD', 'DRIVERS_LICENSE']).toContain(
      (data.eKycDocument as { type: string }).type,
    );
  });
});

describe('POST /_sandbox/users with picks', () => {
  it('makes a user with a birth date and a document', async () => {
    const merchant = await registerMerchant();
    const { value, expected } = await around('age-17', async () => {
      const made = await adminJson<{ userAuthorizationId: string }>(merchant, 'POST', '/users', {
        birthDate: 'age-17',
        document: 'MY_NUMBER_CARD_JPKI',
      });
      expect(made.status).toBe(201);
      return passportInfo(merchant, made.body.userAuthorizationId);
    });
    expect(expected).toContain(value.data?.dateOfBirth);
    expect(value.data).toMatchObject({
      kycType: 'EKYC',
      eKycDocument: { type: 'MY_NUMBER_CARD_JPKI' },
    });
  });

  it('takes kycType COUNTER, and document COUNTER makes one', async () => {
    const merchant = await registerMerchant();
    for (const body of [{ kycType: 'COUNTER' }, { document: 'COUNTER' }]) {
      const made = await adminJson<{ kycType: string }>(merchant, 'POST', '/users', body);
      expect(made.status).toBe(201);
      expect(made.body.kycType).toBe('COUNTER');
    }
  });

  it.each([
    [{ birthDate: 'seventeen' }, 'birthDate'],
    [{ birthDate: 17 }, 'birthDate'],
    [{ document: 'IMAGE' }, 'document'],
    [{ document: ['PASSPORT'] }, 'document'],
    [{ kycType: 'OTHER' }, 'kycType'],
  ])('refuses %j with 400 INVALID_BODY naming %s', async (body, field) => {
    const merchant = await registerMerchant();
    const res = await adminJson<{ error: { code: string; message: string } }>(
      merchant,
      'POST',
      '/users',
      body,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_BODY');
    expect(res.body.error.message).toContain(`${field} must be one of`);
  });
});

describe('birthDateFormat', () => {
  it.each([
    ['yyyy-MM-dd', /^\d{4}-\d{2}-\d{2}$/, (d: string) => d],
    ['yyyyMMdd', /^\d{8}$/, (d: string) => d.replaceAll('-', '')],
    ['yyyy/MM/dd', /^\d{4}\/\d{2}\/\d{2}$/, (d: string) => d.replaceAll('-', '/')],
    ['iso8601', /^\d{4}-\d{2}-\d{2}T00:00:00\+09:00$/, (d: string) => `${d}T00:00:00+09:00`],
  ])('%s writes the birth date so', async (format, shape, written) => {
    const merchant = await registerMerchant({ birthDateFormat: format });
    const plain = await pickedKyc(merchant, {});
    expect(plain.data.dateOfBirth).toMatch(shape);
    const { value, expected } = await around('leap-day', () =>
      pickedKyc(merchant, { birthDate: 'leap-day' }),
    );
    expect(expected.map((d) => written(d!))).toContain(value.data.dateOfBirth);
  });
});
