// Passive replies (被动回复): builders for each kind; To/From are swapped from the incoming message
// when the reply is serialized (XML for Official Accounts, JSON for Mini Program JSON pushes).

export type PushReply =
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'voice'; mediaId: string }
  | { type: 'video'; mediaId: string; title?: string; description?: string }
  | { type: 'music'; title?: string; description?: string; musicUrl?: string; hqMusicUrl?: string; thumbMediaId: string }
  | { type: 'news'; articles: { title: string; description?: string; picUrl?: string; url?: string }[] }
  | { type: 'transfer_customer_service'; kfAccount?: string };

export const reply = {
  text: (content: string): PushReply => ({ type: 'text', content }),
  image: (mediaId: string): PushReply => ({ type: 'image', mediaId }),
  voice: (mediaId: string): PushReply => ({ type: 'voice', mediaId }),
  video: (v: { mediaId: string; title?: string; description?: string }): PushReply => ({ type: 'video', ...v }),
  music: (m: { title?: string; description?: string; musicUrl?: string; hqMusicUrl?: string; thumbMediaId: string }): PushReply => ({ type: 'music', ...m }),
  news: (articles: { title: string; description?: string; picUrl?: string; url?: string }[]): PushReply => ({ type: 'news', articles }),
  transferCustomerService: (kfAccount?: string): PushReply => ({ type: 'transfer_customer_service', ...(kfAccount ? { kfAccount } : {}) }),
};

const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

function tag(name: string, value: string | number | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}>${cdata(value)}</${name}>`;
}

/** The reply fields in WeChat's element names (shared by XML and JSON). */
function fields(r: PushReply): Record<string, unknown> {
  switch (r.type) {
    case 'text':
      return { Content: r.content };
    case 'image':
      return { Image: { MediaId: r.mediaId } };
    case 'voice':
      return { Voice: { MediaId: r.mediaId } };
    case 'video':
      return { Video: { MediaId: r.mediaId, Title: r.title, Description: r.description } };
    case 'music':
      return { Music: { Title: r.title, Description: r.description, MusicUrl: r.musicUrl, HQMusicUrl: r.hqMusicUrl, ThumbMediaId: r.thumbMediaId } };
    case 'news':
      return { ArticleCount: r.articles.length, Articles: r.articles.map((a) => ({ Title: a.title, Description: a.description, PicUrl: a.picUrl, Url: a.url })) };
    case 'transfer_customer_service':
      return r.kfAccount ? { TransInfo: { KfAccount: r.kfAccount } } : {};
  }
}

function toXml(value: unknown, name: string): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml(v, 'item')).join('')}</${name}>`;
  if (value && typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => toXml(v, k)).join('')}</${name}>`;
  return tag(name, value as string | number);
}

export interface ReplyContext {
  /** the incoming message's FromUserName (the user) */
  toUser: string;
  /** the incoming message's ToUserName (the app) */
  fromUser: string;
  createTime?: number;
}

export function serializeReply(r: PushReply, ctx: ReplyContext, format: 'xml' | 'json'): string {
  const head = { ToUserName: ctx.toUser, FromUserName: ctx.fromUser, CreateTime: ctx.createTime ?? Math.floor(Date.now() / 1000), MsgType: r.type };
  const body = { ...head, ...fields(r) };
  if (format === 'json') return JSON.stringify(body, (_k, v: unknown) => (v === undefined ? undefined : v));
  return `<xml>${Object.entries(body).map(([k, v]) => toXml(v, k)).join('')}</xml>`;
}

/** The safe-mode envelope around an encrypted reply. */
export function encryptedEnvelope(encrypt: string, signature: string, timestamp: number, nonce: string, format: 'xml' | 'json'): string {
  if (format === 'json') return JSON.stringify({ Encrypt: encrypt, MsgSignature: signature, TimeStamp: timestamp, Nonce: nonce });
  return `<xml>${tag('Encrypt', encrypt)}${tag('MsgSignature', signature)}<TimeStamp>${timestamp}</TimeStamp>${tag('Nonce', nonce)}</xml>`;
}
