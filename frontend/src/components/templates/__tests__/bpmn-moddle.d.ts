// bpmn-moddle (bpmn-js's own model layer) ships element types but none for its factory; the
// panel tests use it to read and write BPMN without a canvas.
declare module 'bpmn-moddle' {
  interface Root {
    rootElements: { flowElements: import('../modeler-panel').ModdleElement[] }[]
  }
  interface BpmnModdleInstance {
    create: import('../modeler-panel').Moddle['create']
    fromXML: (xml: string) => Promise<{ rootElement: Root }>
    toXML: (element: Root, options?: { format?: boolean }) => Promise<{ xml: string }>
  }
  export function BpmnModdle(packages?: Record<string, unknown>): BpmnModdleInstance
}
