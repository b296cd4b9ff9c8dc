/**
 * The WSDL of the WebService, written here (node-soap does not generate one): SOAP 1.1,
 * document/literal wrapped, inline types, one part per message. Every response element has a
 * single `return` string holding the 附件3 envelope as JSON. Its operations are the fixed
 * ones of 附件3 (batchRKHY is JSON-only) and those the published catalogue declares
 * (gateway/soap/operations.ts gives them).
 */
export const SOAP_NAMESPACE = 'http://dprs.zhoucun.gov.cn/';
export const SOAP_PATH = '/dprs/webService/DataService';

/** Operation → its request parameters, in the order of its template or declaration. */
export type SoapOperations = ReadonlyMap<string, readonly string[]>;

/** The fixed operations of 附件3 → their request parameters, in the template's order. */
export const SOAP_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  getRKZP: ['xm', 'gmsfzh'],
  getRKHY: ['xm', 'gmsfzh'],
  getFRXX: ['tyshxydm', 'jgmc'],
  getDZZZ: ['zzbh', 'czztdm', 'zzlxdm'],
  getDZZZHY: ['zzbh', 'czztdm'],
};

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The fixed operations, then the declared ones (which never reuse a fixed name). */
export function soapOperations(declared: ReadonlyArray<readonly [string, readonly string[]]> = []): SoapOperations {
  return new Map([...Object.entries(SOAP_OPERATIONS), ...declared.filter(([op]) => !Object.hasOwn(SOAP_OPERATIONS, op))]);
}

export function dataServiceWsdl(address: string, operations: SoapOperations = soapOperations()): string {
  const ops = [...operations];
  const elements = ops
    .map(
      ([op, params]) => `
      <xs:element name="${op}">
        <xs:complexType>
          <xs:sequence>
${params.map((p) => `            <xs:element name="${p}" type="xs:string" minOccurs="0"/>`).join('\n')}
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="${op}Response">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="return" type="xs:string"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>`,
    )
    .join('');
  const messages = ops
    .map(
      ([op]) => `
  <wsdl:message name="${op}Request">
    <wsdl:part name="parameters" element="tns:${op}"/>
  </wsdl:message>
  <wsdl:message name="${op}Response">
    <wsdl:part name="parameters" element="tns:${op}Response"/>
  </wsdl:message>`,
    )
    .join('');
  const portOps = ops
    .map(
      ([op]) => `
    <wsdl:operation name="${op}">
      <wsdl:input message="tns:${op}Request"/>
      <wsdl:output message="tns:${op}Response"/>
    </wsdl:operation>`,
    )
    .join('');
  const bindingOps = ops
    .map(
      ([op]) => `
    <wsdl:operation name="${op}">
      <soap:operation soapAction="${SOAP_NAMESPACE}${op}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="DataService"
    targetNamespace="${SOAP_NAMESPACE}"
    xmlns:tns="${SOAP_NAMESPACE}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <wsdl:documentation>周村区信息共享交换网关 dprs 数据服务。每个操作的 return 元素为 JSON 信封 {"msg","result_code","data"}；调用须带 HTTP 头 Authorization: Bearer 与 X-Purpose（百分号编码的事由）。</wsdl:documentation>
  <wsdl:types>
    <xs:schema targetNamespace="${SOAP_NAMESPACE}" elementFormDefault="unqualified">${elements}
    </xs:schema>
  </wsdl:types>${messages}
  <wsdl:portType name="DataServicePortType">${portOps}
  </wsdl:portType>
  <wsdl:binding name="DataServiceSoapBinding" type="tns:DataServicePortType">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>${bindingOps}
  </wsdl:binding>
  <wsdl:service name="DataService">
    <wsdl:port name="DataServicePort" binding="tns:DataServiceSoapBinding">
      <soap:address location="${xmlAttr(address)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
