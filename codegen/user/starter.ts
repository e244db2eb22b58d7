// `wechat-tools spec new <operation> --method POST --path /wxa/...`: a starter spec with every
// required field, and the line that gives editors completion from the meta-schema.
export interface StarterOptions {
  operation: string;
  method: 'GET' | 'POST';
  path: string;
  /** mp (MPTools) or oa (OATools) */
  client: 'mp' | 'oa';
  /** path of spec/_meta/endpoint.schema.yaml relative to the new file (for yaml-language-server) */
  schemaPath: string;
}

export function starterSpec(o: StarterOptions): string {
  const params = o.method === 'GET' ? 'query' : 'body';
  return `# yaml-language-server: $schema=${o.schemaPath}
# Your own endpoint: fill in the TODOs, then \`npx wechat-tools generate --specs <this folder> --out <module folder>\`.
operation: ${o.operation}
clients: [${o.client}]
summary: TODO one line from WeChat's docs
docUrl: https://developers.weixin.qq.com/TODO-the-endpoint-page.html
method: ${o.method}
path: ${o.path}
auth: access_token
# true when calling it twice does no harm (a query): then transient failures are retried
idempotent: ${o.method === 'GET'}
request:
  ${params}:
    example_param: { type: string, minLength: 1, description: TODO WeChat's wire name and meaning }
  required: [example_param]
response:
  kind: json
  schema:
    type: object
    properties:
      errcode: { type: integer }
      errmsg: { type: string }
      example_field: { type: string, description: TODO a field WeChat returns }
    required: [example_field]
errors:
  - { errcode: 40001, errmsg: invalid credential, description: access_token 无效或已过期 }
examples:
  - name: success
    params: { example_param: value }
    response: { errcode: 0, errmsg: ok, example_field: value }
  - name: invalid token
    params: { example_param: value }
    response: { errcode: 40001, errmsg: 'invalid credential rid: 6582a3c1-0b5e2f41-1d2c3b4a' }
`;
}
