import { describe, expect, it } from 'vitest';
import { decodeResponse, encodeRequest } from '../../../electron/vsphere/soap-codec';
import { VimFault } from '../../../electron/vsphere/vim-fault';
import { moRef, xsdValue, type VimObject } from '../../../electron/vsphere/vim-types';
import { SERVICE_CONTENT, envelope, fault, response } from './fake-vim-server';

describe('vim25 response decoding', () => {
  it('reads ServiceContent with managed object references and nested data', () => {
    const sc = decodeResponse(SERVICE_CONTENT, 'RetrieveServiceContent') as VimObject;
    expect(sc.rootFolder).toEqual({ type: 'Folder', value: 'group-d1' });
    expect((sc.about as VimObject).apiVersion).toBe('8.0.2.0');
    expect((sc.about as VimObject).build).toBe('22385739'); // stays a string, never a number
  });

  it('reads dynamic properties by xsi:type: arrays, primitives, enums, empty arrays and missing sets', () => {
    const xml = response(
      'RetrievePropertiesEx',
      '<returnval><token>abc</token><objects><obj type="HostSystem">host-21</obj>' +
        '<propSet><name>datastore</name><val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore">datastore-1</ManagedObjectReference>' +
        '<ManagedObjectReference type="Datastore">datastore-2</ManagedObjectReference></val></propSet>' +
        '<propSet><name>network</name><val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Network">network-9</ManagedObjectReference></val></propSet>' +
        '<propSet><name>vm</name><val xsi:type="ArrayOfManagedObjectReference"></val></propSet>' +
        '<propSet><name>runtime.connectionState</name><val xsi:type="HostSystemConnectionState">connected</val></propSet>' +
        '<propSet><name>runtime.inMaintenanceMode</name><val xsi:type="xsd:boolean">false</val></propSet>' +
        '<propSet><name>summary.hardware.memorySize</name><val xsi:type="xsd:long">68719476736</val></propSet>' +
        '<propSet><name>name</name><val xsi:type="xsd:string">00123</val></propSet>' +
        '<propSet><name>summary.managementServerIp</name><val xsi:type="xsd:string">10.0.0.5</val></propSet>' +
        '<propSet><name>config.extraConfig</name><val xsi:type="ArrayOfOptionValue"><OptionValue><key>a</key><value xsi:type="xsd:string">1 &amp; 2</value></OptionValue>' +
        '<OptionValue><key>b</key><value xsi:type="xsd:int">7</value></OptionValue></val></propSet>' +
        '<missingSet><path>config.keyId</path><fault><fault xsi:type="NoPermission"><privilegeId>Cryptographer.Access</privilegeId></fault><localizedMessage></localizedMessage></fault></missingSet>' +
        '</objects></returnval>',
    );
    const r = decodeResponse(xml, 'RetrievePropertiesEx') as VimObject;
    expect(r.token).toBe('abc');
    const obj = r.objects as VimObject;
    expect(obj.obj).toEqual(moRef('HostSystem', 'host-21'));
    const props = Object.fromEntries((obj.propSet as VimObject[]).map((p) => [p.name, p.val]));
    expect(props.datastore).toEqual([moRef('Datastore', 'datastore-1'), moRef('Datastore', 'datastore-2')]);
    expect(props.network).toEqual([moRef('Network', 'network-9')]);
    expect(props.vm).toEqual([]);
    expect(props['runtime.connectionState']).toBe('connected');
    expect(props['runtime.inMaintenanceMode']).toBe(false);
    expect(props['summary.hardware.memorySize']).toBe(68719476736);
    expect(props.name).toBe('00123');
    expect(props['config.extraConfig']).toEqual([
      { key: 'a', value: '1 & 2' },
      { key: 'b', value: 7 },
    ]);
    const missing = obj.missingSet as VimObject;
    expect(((missing.fault as VimObject).fault as VimObject).$type).toBe('NoPermission');
  });

  it('turns SOAP faults into VimFault with a readable message', () => {
    const invalid = fault('InvalidLogin', 'Cannot complete login due to an incorrect user name or password.');
    const err = (() => {
      try {
        decodeResponse(invalid, 'Login', { server: 'vc01.example.com' });
      } catch (e) {
        return e;
      }
    })() as VimFault;
    expect(err).toBeInstanceOf(VimFault);
    expect(err.faultType).toBe('InvalidLogin');
    expect(err.serverMessage).toMatch(/incorrect user name/);
    expect(err.message).toMatch(/^wrong user name or password for vc01\.example\.com/);

    const noPerm = fault('NoPermission', 'Permission to perform this operation was denied.', '<object type="Folder">group-v3</object><privilegeId>VirtualMachine.Inventory.Create</privilegeId>');
    expect(() => decodeResponse(noPerm, 'CreateVM_Task', { server: 'vc01' })).toThrow(/lacks a required privilege \(VirtualMachine\.Inventory\.Create\)/);
    // A fault detail element without xsi:type still names the fault.
    const bare = envelope('<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>x</faultstring><detail><NotAuthenticatedFault xmlns="urn:vim25"></NotAuthenticatedFault></detail></soapenv:Fault>');
    expect(() => decodeResponse(bare, 'CurrentTime')).toThrow(/not logged in or has expired/);
    expect(() => decodeResponse('<html>proxy error</html>', 'Login')).toThrow(/without a SOAP body/);
  });

  it('returns undefined for void methods', () => {
    expect(decodeResponse(response('Logout', ''), 'Logout')).toBeUndefined();
  });
});

describe('vim25 request encoding', () => {
  it('writes _this first, xsi:type for data objects, type attributes for references, and escapes text', () => {
    const xml = encodeRequest('CreateVM_Task', {
      _this: moRef('Folder', 'group-v3'),
      config: {
        $type: 'VirtualMachineConfigSpec',
        name: 'web <01> & co',
        numCPUs: 2,
        deviceChange: [],
        extraConfig: [{ $type: 'OptionValue', key: 'guestinfo.x', value: xsdValue('y') }, { $type: 'OptionValue', key: 'n', value: xsdValue(true) }],
        annotation: undefined,
      },
      pool: moRef('ResourcePool', 'resgroup-8'),
    });
    expect(xml).toContain('<CreateVM_Task xmlns="urn:vim25"><_this type="Folder">group-v3</_this><config xsi:type="VirtualMachineConfigSpec">');
    expect(xml).toContain('<name>web &lt;01&gt; &amp; co</name>');
    expect(xml).toContain('<numCPUs>2</numCPUs>');
    expect(xml).toContain('<value xsi:type="xsd:string">y</value>');
    expect(xml).toContain('<value xsi:type="xsd:boolean">true</value>');
    expect(xml).toContain('<pool type="ResourcePool">resgroup-8</pool>');
    expect(xml).not.toContain('annotation');
    expect(xml).not.toContain('deviceChange');
    expect(xml.indexOf('<config')).toBeLessThan(xml.indexOf('<pool'));
  });

  it('emits the elements of every data object in WSDL sequence order, whatever order it was built in', () => {
    const xml = encodeRequest('ReconfigVM_Task', {
      spec: {
        $type: 'VirtualMachineConfigSpec',
        crypto: { $type: 'CryptoSpecEncrypt', cryptoKeyId: { $type: 'CryptoKeyId', providerId: { $type: 'KeyProviderId', id: 'kms' }, keyId: 'k1' } },
        firmware: 'efi',
        deviceChange: [{ $type: 'VirtualDeviceConfigSpec', device: { $type: 'VirtualTPM', endorsementKeyCertificate: ['QQ=='], key: -1 }, operation: 'add' }],
        memoryMB: 512,
        numCPUs: 1,
        name: 'x',
      },
      _this: moRef('VirtualMachine', 'vm-1'),
    });
    const order = (names: string[]) => names.map((n) => xml.search(new RegExp(`<${n}[ >]`)));
    const ascending = (xs: number[]) => xs.every((x, i) => x >= 0 && (i === 0 || x > xs[i - 1]!));
    expect(ascending(order(['_this', 'spec']))).toBe(true);
    expect(ascending(order(['name', 'numCPUs', 'memoryMB', 'deviceChange', 'firmware', 'crypto']))).toBe(true);
    expect(ascending(order(['operation', 'device', 'key', 'endorsementKeyCertificate']))).toBe(true);
    expect(ascending(order(['keyId', 'providerId']))).toBe(true);
  });

  it('reads a void method answered with an empty response element or a self-closing one', () => {
    const empty = (inner: string) => `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
    expect(decodeResponse(empty('<RefreshDatastoreResponse xmlns="urn:vim25"></RefreshDatastoreResponse>'), 'RefreshDatastore')).toBeUndefined();
    expect(decodeResponse(empty('<RefreshDatastoreResponse xmlns="urn:vim25"/>'), 'RefreshDatastore')).toBeUndefined();
    expect(() => decodeResponse('', 'RefreshDatastore')).toThrow(/without a SOAP body/);
  });

  it('round-trips a request body through the decoder', () => {
    const spec = { $type: 'VirtualMachineConfigSpec', name: 'a', firmware: 'efi', crypto: { $type: 'CryptoSpecEncrypt', cryptoKeyId: { keyId: 'k1', providerId: { id: 'kms' } } } };
    const xml = encodeRequest('ReconfigVM_Task', { _this: moRef('VirtualMachine', 'vm-1'), spec });
    // Present the body as if it were a response to check structure survives.
    const asResponse = xml.replace('<ReconfigVM_Task xmlns="urn:vim25">', '<ReconfigVM_TaskResponse xmlns="urn:vim25"><returnval>').replace('</ReconfigVM_Task>', '</returnval></ReconfigVM_TaskResponse>');
    const back = decodeResponse(asResponse, 'ReconfigVM_Task') as VimObject;
    expect(back._this).toEqual(moRef('VirtualMachine', 'vm-1'));
    expect(back.spec).toEqual(spec);
  });
});
